package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.check.AddressPolicy;
import dev.webmon.check.AllowedNetwork;
import dev.webmon.check.PolicedHttp;
import dev.webmon.check.Resolver;
import dev.webmon.config.Secret;
import dev.webmon.infra.CertificateAuthority;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/** Email through a real SMTP server (SubEtha SMTP) that requires STARTTLS and AUTH. */
class EmailChannelTest {
  private static final CertificateAuthority CA = CertificateAuthority.create("webmon-test-ca");
  private static final CertificateAuthority.Issued SERVER_CERT = CA.issueLocalhost();
  private static final String USER = "webmon";
  private static final String PASSWORD = "s3cret-passw0rd";

  /** A message as the server received it, with who had authenticated. */
  record Received(String from, List<String> to, byte[] data, Object identity) {}

  /** What the server does with a message: accept it, or throw to reject it with an SMTP reply. */
  @FunctionalInterface
  interface OnMessage {
    void accept(Received r) throws RejectException;
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private SMTPServer server;

  private int start(boolean tls, OnMessage onMessage) {
    return start(tls, SERVER_CERT, onMessage);
  }

  private int start(boolean tls, CertificateAuthority.Issued certificate, OnMessage onMessage) {
    return start(server(onMessage).enableTLS(tls).requireTLS(tls).startTlsSocketFactory(certificate.sslContext()));
  }

  /** A server that speaks TLS from the first byte ("SMTPS"): its listening socket is an SSLServerSocket. */
  private int startImplicit(CertificateAuthority.Issued certificate) {
    return start(server(r -> {}).enableTLS(false).serverSocketFactory(certificate.sslContext()));
  }

  private int start(SMTPServer.Builder builder) {
    server = builder.build();
    server.start();
    return server.getPortAllocated();
  }

  private SMTPServer.Builder server(OnMessage onMessage) {
    return SMTPServer.port(0)
            .bindAddress(InetAddress.getLoopbackAddress())
            .requireAuth()
            .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
              if (!USER.equals(user) || !PASSWORD.equals(password)) {
                throw new LoginFailedException();
              }
            }))
            .messageHandlerFactory(ctx -> new MessageHandler() {
              private String from;
              private final List<String> to = new ArrayList<>();

              @Override
              public void from(String address) {
                from = address;
              }

              @Override
              public void recipient(String address) {
                to.add(address);
              }

              @Override
              public String data(InputStream data) throws RejectException, IOException {
                Received r = new Received(from, List.copyOf(to), data.readAllBytes(),
                    ctx.getAuthenticationHandler().map(h -> h.getIdentity()).orElse(null));
                onMessage.accept(r);
                received.add(r);
                return null;
              }

              @Override
              public void done() {}
            });
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private static EmailChannel channel(int port, String password, SSLContext trust) {
    return channel(port, EmailChannel.Tls.STARTTLS, password, trust, Duration.ofSeconds(5));
  }

  private static EmailChannel channel(int port, EmailChannel.Tls tls, String password, SSLContext trust, Duration timeout) {
    EmailChannel.Settings s = new EmailChannel.Settings("localhost", port, tls, USER, new Secret(password),
        "webmon@example.com", List.of("oncall@example.com", "sre@example.com"));
    return new EmailChannel(Incidents.CHANNEL, s, Http.renderer(ChannelType.EMAIL), Http.LOOPBACK,
        timeout, trust, Http.CLOCK);
  }

  private static MimeMessage parse(byte[] data) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
  }

  @Test
  void sendsOverStartTlsWithAuthForOpenedAcknowledgedResolved() throws Exception {
    int port = start(true, r -> {});
    EmailChannel c = channel(port, PASSWORD, CA.clientSslContext());
    List<Notification> ns = Incidents.openedAckedResolved();
    String[] kinds = {"OPENED", "ACKNOWLEDGED", "RESOLVED"};
    String[] states = {"open", "acknowledged", "resolved"};
    long[] seqs = {1, 3, 4};
    for (int i = 0; i < 3; i++) {
      Delivery d = c.send(ns.get(i));
      assertThat(d).as(d.detail()).isInstanceOf(Delivery.Delivered.class);
      assertThat(d.reply().orElseThrow().protocol()).isEqualTo(Delivery.Protocol.SMTP);
      assertThat(d.reply().orElseThrow().code()).isEqualTo(250);
    }
    assertThat(received).hasSize(3);
    for (int i = 0; i < 3; i++) {
      Received first = received.get(i);
      assertThat(first.from()).isEqualTo("webmon@example.com");
      assertThat(first.to()).containsExactly("oncall@example.com", "sre@example.com");
      assertThat(first.identity()).isEqualTo(USER);
      MimeMessage m = parse(first.data());
      assertThat(m.getSubject()).isEqualTo(kinds[i] + " Shop home page");
      assertThat(m.getFrom()[0].toString()).isEqualTo("webmon@example.com");
      assertThat(m.getHeader("To", ",")).isEqualTo("oncall@example.com, sre@example.com");
      assertThat(m.getMessageID()).isEqualTo("<" + Incidents.ID + "." + seqs[i] + "." + Incidents.CHANNEL + "@webmon>");
      assertThat(m.getHeader("Auto-Submitted", ",")).isEqualTo("auto-generated");
      assertThat(m.getHeader("X-Webmon-Dedup-Key", ",")).isEqualTo(Incidents.ID + ":" + seqs[i] + ":" + Incidents.CHANNEL);
      assertThat(m.getContentType()).startsWith("text/plain; charset=UTF-8");
      assertThat(((String) m.getContent()).strip()).isEqualTo(states[i] + " " + Contract.LINK);
      assertThat(m.getSentDate().toInstant()).isEqualTo(Http.NOW);
    }
  }

  @Test
  void defaultMessageIsPlainTextUtf8() throws Exception {
    int port = start(true, r -> {});
    EmailChannel.Settings s = new EmailChannel.Settings("localhost", port, EmailChannel.Tls.STARTTLS, USER, new Secret(PASSWORD),
        "webmon@example.com", List.of("oncall@example.com"));
    new EmailChannel("e", s, Templates.Renderer.defaults(ChannelType.EMAIL, "e"), Http.LOOPBACK, Duration.ofSeconds(5),
        CA.clientSslContext(), Http.CLOCK).send(Incidents.notification(Incidents.acknowledged()));
    MimeMessage m = parse(received.get(0).data());
    assertThat(m.getSubject()).isEqualTo("[ACK] Shop home page acknowledged by alice");
    assertThat((String) m.getContent()).contains("Note: looking into it").contains(Contract.LINK);
  }

  @Test
  void wrongPasswordIsPermanentAndNotShown() {
    int port = start(true, r -> {});
    Delivery d = channel(port, "wrong-password", CA.clientSslContext()).send(Incidents.notification(Incidents.opened()));
    assertThat(d).isInstanceOf(Delivery.Failed.class);
    assertThat(d.detail()).contains("authentication failed").doesNotContain("wrong-password");
    assertThat(received).isEmpty();
  }

  @Test
  void aServerWithoutStartTlsIsRefusedBeforeCredentialsAreSent() {
    int port = start(false, r -> {});
    Delivery d = channel(port, PASSWORD, CA.clientSslContext()).send(Incidents.notification(Incidents.opened()));
    assertThat(d).isInstanceOf(Delivery.Failed.class);
    assertThat(d.detail()).contains("STARTTLS");
    assertThat(received).isEmpty();
  }

  @Test
  void anUntrustedCertificateIsNotAccepted() throws Exception {
    int port = start(true, r -> {});
    Delivery d = channel(port, PASSWORD, SSLContext.getDefault()).send(Incidents.notification(Incidents.opened()));
    assertThat(d).isInstanceOf(Delivery.Retryable.class);
    assertThat(d.detail()).contains("SMTP connection to localhost failed");
    assertThat(received).isEmpty();
  }

  @Test
  void transientRepliesAreRetryablePermanentOnesNot() {
    int port = start(true, r -> {
      throw new RejectException(451, "4.3.0 try again later");
    });
    Delivery d = channel(port, PASSWORD, CA.clientSslContext()).send(Incidents.notification(Incidents.opened()));
    assertThat(d).as(d.detail()).isInstanceOf(Delivery.Retryable.class);
    assertThat(d.reply().orElseThrow().code()).isEqualTo(451);
    server.stop();
    port = start(true, r -> {
      throw new RejectException(550, "5.1.1 mailbox unavailable");
    });
    d = channel(port, PASSWORD, CA.clientSslContext()).send(Incidents.notification(Incidents.opened()));
    assertThat(d).as(d.detail()).isInstanceOf(Delivery.Failed.class);
    assertThat(d.reply().orElseThrow().code()).isEqualTo(550);
  }

  @Test
  void connectionRefusedIsRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Delivery d = channel(port, PASSWORD, CA.clientSslContext()).send(Incidents.notification(Incidents.opened()));
    assertThat(d).isInstanceOf(Delivery.Retryable.class);
    assertThat(d.detail()).contains("could not connect to localhost:" + port);
  }

  @Test
  void loopbackIsRefusedUnlessAllowListed() {
    EmailChannel.Settings s = new EmailChannel.Settings("127.0.0.1", 25, EmailChannel.Tls.STARTTLS, USER, new Secret(PASSWORD),
        "webmon@example.com", List.of("oncall@example.com"));
    Delivery d = new EmailChannel("e", s, Http.renderer(ChannelType.EMAIL), AddressPolicy.of(List.of()),
        Duration.ofSeconds(1), CA.clientSslContext(), Http.CLOCK).send(Incidents.notification(Incidents.opened()));
    assertThat(d).isInstanceOf(Delivery.Failed.class);
    assertThat(d.detail()).contains("127.0.0.1 is a loopback address");
    assertThat(s.toString()).doesNotContain(PASSWORD);
  }

  /** Answers one name with 127.0.0.1; the system resolver does not know it. */
  private static final Resolver MAIL_EXAMPLE = (host, timeoutNanos) -> {
    if (!host.equals("mail.example.test")) {
      throw new UnknownHostException(host);
    }
    return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
  };

  private static EmailChannel pinned(int port, AddressPolicy policy) {
    return pinned(port, EmailChannel.Tls.STARTTLS, policy);
  }

  private static EmailChannel pinned(int port, EmailChannel.Tls tls, AddressPolicy policy) {
    EmailChannel.Settings s = new EmailChannel.Settings("mail.example.test", port, tls, USER, new Secret(PASSWORD),
        "webmon@example.com", List.of("oncall@example.com"));
    return new EmailChannel("e", s, Http.renderer(ChannelType.EMAIL),
        new PolicedHttp(policy, Duration.ofSeconds(1), CA.clientSslContext(), MAIL_EXAMPLE), Duration.ofSeconds(5),
        CA.clientSslContext(), Http.CLOCK);
  }

  @Test
  void aHostResolvingToLoopbackIsRefusedAndNotContacted() {
    int port = start(true, r -> {});
    Delivery d = pinned(port, AddressPolicy.of(List.of())).send(Incidents.notification(Incidents.opened()));
    assertThat(d).isInstanceOf(Delivery.Failed.class);
    assertThat(d.detail()).contains("address refused: host mail.example.test resolves to 127.0.0.1 is a loopback address");
    assertThat(received).isEmpty();
  }

  @Test
  void theConnectionGoesToTheCheckedAddressAndTheCertificateIsVerifiedForTheName() {
    // Jakarta Mail would resolve the name again when it connects (a rebinding answer would then
    // reach an address never checked); the channel's sockets connect to the address checked.
    CertificateAuthority.Issued named = CA.issueServer("mail.example.test", List.of("mail.example.test"), List.of());
    int port = start(true, named, r -> {});
    AddressPolicy onePort = AddressPolicy.of(List.of(AllowedNetwork.parse("127.0.0.1/32:" + port)));
    Delivery d = pinned(port, onePort).send(Incidents.notification(Incidents.opened()));
    assertThat(d).as(d.detail()).isInstanceOf(Delivery.Delivered.class);
    assertThat(received).hasSize(1);
    server.stop();
    // the same server certificate for another name is refused: the name is still verified
    port = start(true, SERVER_CERT, r -> {});
    Delivery wrongName = pinned(port, AddressPolicy.of(List.of(AllowedNetwork.parse("127.0.0.1/32:" + port))))
        .send(Incidents.notification(Incidents.opened()));
    assertThat(wrongName).isInstanceOf(Delivery.Retryable.class);
    assertThat(received).hasSize(1);
  }

  // ---------------------------------------------------------------- implicit TLS ("SMTPS")

  @Test
  void implicitTlsDeliversWithAuth() throws Exception {
    int port = startImplicit(SERVER_CERT);
    Delivery d = channel(port, EmailChannel.Tls.IMPLICIT, PASSWORD, CA.clientSslContext(), Duration.ofSeconds(5))
        .send(Incidents.notification(Incidents.opened()));
    assertThat(d).as(d.detail()).isInstanceOf(Delivery.Delivered.class);
    assertThat(d.reply().orElseThrow().code()).isEqualTo(250);
    assertThat(received).hasSize(1);
    Received r = received.get(0);
    assertThat(r.from()).isEqualTo("webmon@example.com");
    assertThat(r.to()).containsExactly("oncall@example.com", "sre@example.com");
    assertThat(r.identity()).isEqualTo(USER);
    MimeMessage m = parse(r.data());
    assertThat(m.getSubject()).isEqualTo("OPENED Shop home page");
    assertThat(m.getMessageID()).isEqualTo("<" + Incidents.ID + ".1." + Incidents.CHANNEL + "@webmon>");
    assertThat(((String) m.getContent()).strip()).isEqualTo("open " + Contract.LINK);
  }

  @Test
  void implicitTlsGoesToTheCheckedAddressAndVerifiesTheConfiguredName() {
    CertificateAuthority.Issued named = CA.issueServer("mail.example.test", List.of("mail.example.test"), List.of());
    int port = startImplicit(named);
    AddressPolicy onePort = AddressPolicy.of(List.of(AllowedNetwork.parse("127.0.0.1/32:" + port)));
    Delivery d = pinned(port, EmailChannel.Tls.IMPLICIT, onePort).send(Incidents.notification(Incidents.opened()));
    assertThat(d).as(d.detail()).isInstanceOf(Delivery.Delivered.class);
    assertThat(received).hasSize(1);
    server.stop();
    // localhost's certificate also names 127.0.0.1, the literal Jakarta Mail connects to: still
    // refused, the name checked is the configured one
    port = startImplicit(SERVER_CERT);
    Delivery wrongName = pinned(port, EmailChannel.Tls.IMPLICIT,
        AddressPolicy.of(List.of(AllowedNetwork.parse("127.0.0.1/32:" + port))))
        .send(Incidents.notification(Incidents.opened()));
    assertThat(wrongName).as(wrongName.detail()).isInstanceOf(Delivery.Retryable.class);
    assertThat(wrongName.detail()).contains("SMTP connection to mail.example.test failed")
        .contains("No subject alternative DNS name matching mail.example.test");
    assertThat(received).hasSize(1);
  }

  @Test
  void implicitTlsRefusesAnUntrustedCertificate() throws Exception {
    int port = startImplicit(SERVER_CERT);
    Delivery d = channel(port, EmailChannel.Tls.IMPLICIT, PASSWORD, SSLContext.getDefault(), Duration.ofSeconds(5))
        .send(Incidents.notification(Incidents.opened()));
    assertThat(d).as(d.detail()).isInstanceOf(Delivery.Retryable.class);
    assertThat(d.detail()).contains("SMTP connection to localhost failed");
    assertThat(received).isEmpty();
  }

  @Test
  void implicitTlsToAPlainServerFailsAtOnce() {
    int port = start(false, r -> {});
    Delivery d = channel(port, EmailChannel.Tls.IMPLICIT, PASSWORD, CA.clientSslContext(), Duration.ofSeconds(30))
        .send(Incidents.notification(Incidents.opened()));
    assertThat(d).as(d.detail()).isInstanceOf(Delivery.Retryable.class);
    assertThat(d.detail()).contains("SMTP connection to localhost failed").contains("SSL");
    assertThat(d.latency()).as("the plain greeting is no TLS record: no wait for the time-out")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(received).isEmpty();
  }

  @Test
  void implicitTlsToASilentServerEndsWithTheTimeout() throws Exception {
    // accepts connections (backlog) and never answers the TLS ClientHello
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Delivery d = channel(silent.getLocalPort(), EmailChannel.Tls.IMPLICIT, PASSWORD, CA.clientSslContext(),
          Duration.ofMillis(500)).send(Incidents.notification(Incidents.opened()));
      assertThat(d).as(d.detail()).isInstanceOf(Delivery.Retryable.class);
      assertThat(d.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
