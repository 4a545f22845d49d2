package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class WebhookChannelTest {
  static final String SECRET = "whsec_0123456789abcdef";
  private static final Path DOC = Path.of("docs/notifications.md");

  private static WebhookChannel channel(Receiver r, Templates.Renderer renderer) {
    return new WebhookChannel(Incidents.CHANNEL,
        new WebhookChannel.Settings(SecretUrl.of(r.url("/hooks/webmon").toString()), new Secret(SECRET)),
        renderer, Http.delivery());
  }

  /** HMAC-SHA256 by BouncyCastle: an implementation independent of the JDK's that the channel uses. */
  private static String independentHmac(String key, byte[] body) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key.getBytes(StandardCharsets.UTF_8)));
    mac.update(body, 0, body.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return HexFormat.of().formatHex(out);
  }

  /**
   * HMAC-SHA256 by Python's {@code hmac} module (python3 is on every build machine, as for the Atom
   * feed test): an implementation outside the JVM, fed the exact body bytes on its stdin.
   */
  private static String pythonHmac(String key, byte[] body) throws IOException, InterruptedException {
    String script =
        "import hashlib, hmac, sys; print(hmac.new(sys.argv[1].encode('utf-8'), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())";
    Process p = new ProcessBuilder("python3", "-c", script, key).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(body);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).matches("[0-9a-f]{64}");
    return out;
  }

  @Test
  void signedIdempotentPostsForOpenedAcknowledgedResolved() throws Exception {
    try (Receiver r = new Receiver().answer(204, "")) {
      WebhookChannel c = channel(r, Http.renderer(ChannelType.WEBHOOK));
      List<Notification> ns = Incidents.openedAckedResolved();
      for (Notification n : ns) {
        assertThat(c.send(n)).isInstanceOf(Delivery.Delivered.class);
      }
      String[] kinds = {"OPENED", "ACKNOWLEDGED", "RESOLVED"};
      String[] states = {"open", "acknowledged", "resolved"};
      long[] seqs = {1, 3, 4};
      for (int i = 0; i < 3; i++) {
        Receiver.Request req = r.requests.get(i);
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.pathAndQuery()).isEqualTo("/hooks/webmon");
        Contract.assertHeaders(req, java.util.Map.of(
            "content-type", "application/json",
            "idempotency-key", Incidents.ID + ":" + seqs[i] + ":" + Incidents.CHANNEL,
            "x-webmon-signature", "sha256=" + independentHmac(SECRET, req.body())));
        assertThat(req.header("X-Webmon-Signature")).as("python3 hmac over the received bytes")
            .isEqualTo("sha256=" + pythonHmac(SECRET, req.body()));
        var body = Contract.json(req.text());
        assertThat(body.get("v").asText()).isEqualTo("1.0");
        assertThat(body.get("dedupKey").asText()).isEqualTo(req.header("Idempotency-Key"));
        assertThat(body.at("/incident/kind").asText()).isEqualTo(kinds[i]);
        assertThat(body.at("/incident/state").asText()).isEqualTo(states[i]);
        assertThat(body.at("/incident/seq").asLong()).isEqualTo(seqs[i]);
        assertThat(body.at("/message/subject").asText()).isEqualTo(kinds[i] + " Shop home page");
        assertThat(body.at("/message/body").asText()).isEqualTo(states[i] + " " + Contract.LINK);
      }
      assertThat(Contract.json(r.requests.get(1).text()).at("/incident/acknowledgement/by").asText()).isEqualTo("alice");
      assertThat(Contract.json(r.requests.get(2).text()).get("locations")).isEmpty();
    }
  }

  @Test
  void theDocumentedExampleIsWhatTheChannelSends() throws Exception {
    String example = example("webhook");
    try (Receiver r = new Receiver().answer(200, "")) {
      channel(r, Templates.Renderer.defaults(ChannelType.WEBHOOK, Incidents.CHANNEL))
          .send(Incidents.notification(Incidents.opened()));
      assertThat(Contract.json(r.only().text())).isEqualTo(Contract.json(example));
      // The signature is over the exact bytes sent; the example's documented signature is of its compact form.
      String signature = example("signature").strip();
      assertThat(signature).isEqualTo("X-Webmon-Signature: sha256=" + independentHmac(SECRET, r.only().body()));
      assertThat(signature).isEqualTo("X-Webmon-Signature: sha256=" + pythonHmac(SECRET, r.only().body()));
    }
  }

  @Test
  void aRedeliveryIsByteForByteTheSame() throws Exception {
    try (Receiver r = new Receiver()) {
      WebhookChannel c = channel(r, Templates.Renderer.defaults(ChannelType.WEBHOOK, Incidents.CHANNEL));
      Notification n = Incidents.notification(Incidents.opened());
      c.send(n);
      c.send(n);
      assertThat(r.requests.get(1).body()).isEqualTo(r.requests.get(0).body());
      assertThat(r.requests.get(1).header("X-Webmon-Signature")).isEqualTo(r.requests.get(0).header("X-Webmon-Signature"));
    }
  }

  @Test
  void theSecretIsRequiredAndNeverShown() {
    assertThatThrownBy(() -> new WebhookChannel.Settings(SecretUrl.of("https://example.com/h"), new Secret("short")))
        .hasMessageContaining("16");
    WebhookChannel.Settings s = new WebhookChannel.Settings(SecretUrl.of("https://example.com/h?token=T0K"), new Secret(SECRET));
    assertThat(s.toString()).doesNotContain(SECRET).doesNotContain("T0K");
    assertThatThrownBy(() -> SecretUrl.of("ftp://user:pw@example.com/"))
        .hasMessageNotContaining("pw").hasMessageContaining("http or https");
  }

  /** The fenced block after {@code <!-- example: NAME -->} in docs/notifications.md. */
  static String example(String name) throws IOException {
    String doc = Files.readString(DOC);
    Matcher m = Pattern.compile("<!-- example: " + Pattern.quote(name) + " -->\\s*```[a-z]*\\n(.*?)```", Pattern.DOTALL)
        .matcher(doc);
    assertThat(m.find()).as("example %s in %s", name, DOC).isTrue();
    return m.group(1);
  }
}
