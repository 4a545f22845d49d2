package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.config.Secret;
import dev.webmon.event.IncidentEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NtfyChannelTest {
  private static NtfyChannel channel(Receiver r, Optional<Secret> token, Templates.Renderer renderer) {
    return new NtfyChannel(Incidents.CHANNEL, new NtfyChannel.Settings(r.url(""), new Secret("webmon-alerts"), token),
        renderer, Http.delivery());
  }

  @Test
  void publishesWithTitlePriorityTagsClickAndToken() throws Exception {
    try (Receiver r = new Receiver().answer(200, "{\"id\":\"sPs71M8A2T\",\"event\":\"message\"}")) {
      NtfyChannel c = channel(r, Optional.of(new Secret("tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2")), Http.renderer(ChannelType.NTFY));
      for (Notification n : Incidents.openedAckedResolved()) {
        assertThat(c.send(n)).isInstanceOf(Delivery.Delivered.class);
      }
      String[][] expected = {
        {"OPENED Shop home page", "5", "rotating_light,down", "open"},
        {"ACKNOWLEDGED Shop home page", "2", "eyes,down", "acknowledged"},
        {"RESOLVED Shop home page", "3", "white_check_mark,down", "resolved"},
      };
      for (int i = 0; i < 3; i++) {
        Receiver.Request req = r.requests.get(i);
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.pathAndQuery()).isEqualTo("/webmon-alerts");
        Contract.assertHeaders(req, java.util.Map.of(
            "content-type", "text/plain; charset=utf-8",
            "title", expected[i][0],
            "priority", expected[i][1],
            "tags", expected[i][2],
            "click", Contract.LINK,
            "authorization", "Bearer tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2"));
        assertThat(req.text()).isEqualTo(expected[i][3] + " " + Contract.LINK);
      }
    }
  }

  @Test
  void nonAsciiTitleIsRfc2047AndNoTokenMeansNoAuthorization() throws Exception {
    IncidentEvent e = Incidents.opened();
    IncidentEvent named = new IncidentEvent(e.incidentId(), e.targetId(), "Café ☕", e.seq(), e.kind(),
        e.severity(), e.at(), e.openedAt(), e.locations(), e.causeResultId(), e.quorum(), e.reporting(),
        e.policy(), e.acknowledgement(), e.certificateExpiresAt());
    try (Receiver r = new Receiver()) {
      channel(r, Optional.empty(), Templates.Renderer.defaults(ChannelType.NTFY, "n")).send(Incidents.notification(named));
      String title = r.only().header("Title");
      assertThat(title).startsWith("=?UTF-8?B?").endsWith("?=");
      String decoded = new String(Base64.getDecoder().decode(title.substring(10, title.length() - 2)), StandardCharsets.UTF_8);
      assertThat(decoded).isEqualTo("[DOWN] Café ☕");
      assertThat(r.only().header("Authorization")).isNull();
      assertThat(r.only().text()).startsWith("Café ☕ is down from 2 of 3 reporting locations");
    }
  }
}
