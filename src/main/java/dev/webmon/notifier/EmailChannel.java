package dev.webmon.notifier;

import dev.webmon.check.AddressPolicy;
import dev.webmon.check.PolicedHttp;
import dev.webmon.config.Secret;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * Email over SMTP with Jakarta Mail (Eclipse Angus): TLS is required, either STARTTLS (a server
 * that does not offer it is refused — credentials never travel in clear) or implicit TLS from the
 * first byte ("SMTPS", RFC 8314 §3.3); the server's certificate and host name are verified, AUTH
 * with the username and password when a username is set. The host is resolved and checked
 * against the address policy once, and the connection goes to exactly that address (no second
 * lookup for a rebinding DNS answer to change). A plain-text
 * UTF-8 message whose {@code Message-ID} is derived from the dedup key (a redelivery is the same
 * message), with {@code Auto-Submitted: auto-generated} (RFC 3834). SMTP 4xx replies and network
 * failures are retryable, 5xx replies and failed authentication are permanent.
 * Client properties: https://eclipse-ee4j.github.io/angus-mail/docs/api/org.eclipse.angus.mail/org/eclipse/angus/mail/smtp/package-summary.html ;
 * SMTP reply codes: RFC 5321 §4.2.1; STARTTLS: RFC 3207.
 */
final class EmailChannel implements Channel {
  /** How the connection is secured; there is no plain mode. */
  enum Tls {
    /** plain connect, then STARTTLS, required (RFC 3207); default port 587 */
    STARTTLS(587),
    /** TLS from the first byte ("SMTPS", RFC 8314 §3.3); default port 465 */
    IMPLICIT(465);

    final int defaultPort;

    Tls(int defaultPort) {
      this.defaultPort = defaultPort;
    }
  }

  /**
   * @param username empty for a server without AUTH
   * @param from the sender, e.g. {@code webmon@example.com}
   * @param to the recipients, 1–50
   */
  record Settings(String host, int port, Tls tls, String username, Secret password, String from, List<String> to) {
    Settings {
      if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
        throw new InvalidSettingException("host", "must be a host name or address");
      }
      if (port < 1 || port > 65_535) {
        throw new InvalidSettingException("port", "must be 1-65535");
      }
      address(from, "from");
      to = List.copyOf(to);
      if (to.isEmpty() || to.size() > 50) {
        throw new InvalidSettingException("to", "must list 1-50 addresses");
      }
      to.forEach(a -> address(a, "to"));
    }
  }

  private final String id;
  private final Settings settings;
  private final Templates.Renderer renderer;
  private final PolicedHttp addresses;
  private final Duration timeout;
  private final SSLContext tls;
  private final Clock clock;

  EmailChannel(String id, Settings settings, Templates.Renderer renderer, AddressPolicy policy, Duration timeout,
      SSLContext tls, Clock clock) {
    this(id, settings, renderer, new PolicedHttp(policy, timeout, tls), timeout, tls, clock);
  }

  /** @param addresses resolves and polices the SMTP host; the connection goes to the address it returns */
  EmailChannel(String id, Settings settings, Templates.Renderer renderer, PolicedHttp addresses, Duration timeout,
      SSLContext tls, Clock clock) {
    this.id = id;
    this.settings = settings;
    this.renderer = renderer;
    this.addresses = addresses;
    this.timeout = timeout;
    this.tls = tls;
    this.clock = clock;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ChannelType type() {
    return ChannelType.EMAIL;
  }

  @Override
  public Delivery send(Notification n) {
    long start = System.nanoTime();
    String host = settings.host();
    InetAddress address;
    try {
      // Resolved and checked once; Jakarta Mail's sockets connect to exactly this address.
      address = addresses.addresses(host, settings.port(), HttpDelivery.DNS_TIMEOUT).get(0);
    } catch (PolicedHttp.Failure f) {
      if (f.problem() == PolicedHttp.Problem.BLOCKED) {
        return new Delivery.Failed("address refused: " + f.getMessage(), Optional.empty(), since(start));
      }
      return new Delivery.Retryable("could not connect to " + host + ":" + settings.port() + " (" + f.getMessage() + ")",
          Optional.empty(), Optional.empty(), since(start));
    }
    boolean implicit = settings.tls() == Tls.IMPLICIT;
    Session session = Session.getInstance(implicit ? implicitTls() : startTls(address));
    SMTPTransport transport = null;
    try {
      MimeMessage message = message(session, n);
      transport = (SMTPTransport) session.getTransport(implicit ? "smtps" : "smtp");
      // Implicit TLS: Jakarta Mail opens the TCP socket itself (a socket factory of ours is not
      // used when TLS starts at once), so it is given the checked address as a literal — nothing
      // to look up; the TLS layer (PinnedSockets.namedTls) verifies the configured host name.
      transport.connect(implicit ? address.getHostAddress() : host, settings.port(),
          settings.username().isEmpty() ? null : settings.username(),
          settings.username().isEmpty() ? null : settings.password().reveal());
      transport.sendMessage(message, message.getAllRecipients());
      return new Delivery.Delivered(reply(transport), since(start));
    } catch (AuthenticationFailedException e) {
      return new Delivery.Failed("SMTP authentication failed", reply(transport), since(start));
    } catch (SMTPSendFailedException e) {
      return byCode(e.getReturnCode(), e.getMessage(), start);
    } catch (SendFailedException e) {
      Exception next = e.getNextException();
      if (next instanceof SMTPAddressFailedException a) {
        return byCode(a.getReturnCode(), a.getMessage(), start);
      }
      return new Delivery.Failed("SMTP refused the recipients: " + e.getMessage(), reply(transport), since(start));
    } catch (MailConnectException e) {
      return new Delivery.Retryable("could not connect to " + host + ":" + settings.port(), Optional.empty(),
          Optional.empty(), since(start));
    } catch (MessagingException e) {
      if (causedBy(e, SSLException.class) || causedBy(e, IOException.class)) {
        return new Delivery.Retryable("SMTP connection to " + host + " failed: " + rootMessage(e), Optional.empty(),
            reply(transport), since(start));
      }
      // e.g. "STARTTLS is required but host does not support STARTTLS"
      return new Delivery.Failed("SMTP: " + e.getMessage(), reply(transport), since(start));
    } finally {
      if (transport != null) {
        try {
          transport.close();
        } catch (MessagingException e) {
          // the message is sent or the failure is reported; QUIT failing changes neither
        }
      }
    }
  }

  private Properties startTls(InetAddress address) {
    Properties p = common("mail.smtp");
    p.put("mail.smtp.socketFactory", new PinnedSockets(address));
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.ssl.socketFactory", tls.getSocketFactory());
    return p;
  }

  private Properties implicitTls() {
    Properties p = common("mail.smtps");
    // Used by Jakarta Mail both to pick the TLS path and to layer TLS over its connected socket.
    p.put("mail.smtps.ssl.socketFactory", PinnedSockets.namedTls(tls, settings.host()));
    // A SocketChannel's socket, unlike new Socket(), never goes through a JVM-wide SOCKS proxy
    // (PinnedSockets uses Proxy.NO_PROXY for the same reason).
    p.put("mail.smtps.usesocketchannels", "true");
    return p;
  }

  private Properties common(String prefix) {
    Properties p = new Properties();
    // Without this, a failing factory makes Jakarta Mail retry with a socket of its own (a new
    // lookup, and for implicit TLS the JVM's default trust).
    p.put(prefix + ".socketFactory.fallback", "false");
    String ms = Long.toString(timeout.toMillis());
    p.put(prefix + ".connectiontimeout", ms);
    p.put(prefix + ".timeout", ms);
    p.put(prefix + ".writetimeout", ms);
    p.put(prefix + ".ssl.checkserveridentity", "true");
    p.put(prefix + ".auth", Boolean.toString(!settings.username().isEmpty()));
    return p;
  }

  private MimeMessage message(Session session, Notification n) throws MessagingException {
    Message m = renderer.render(n);
    String messageId = "<" + n.dedupKey().replace(':', '.') + "@webmon>";
    MimeMessage msg =
        new MimeMessage(session) {
          @Override
          protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
          }
        };
    msg.setFrom(address(settings.from(), "from"));
    for (String to : settings.to()) {
      msg.addRecipient(jakarta.mail.Message.RecipientType.TO, address(to, "to"));
    }
    msg.setSubject(m.subject().strip().replaceAll("[\\r\\n]+", " "), "UTF-8");
    msg.setText(m.body(), "UTF-8");
    msg.setSentDate(Date.from(clock.instant()));
    msg.setHeader("Auto-Submitted", "auto-generated");
    msg.setHeader("X-Webmon-Dedup-Key", n.dedupKey());
    return msg;
  }

  private static InternetAddress address(String text, String field) {
    try {
      return new InternetAddress(text, true);
    } catch (AddressException e) {
      throw new InvalidSettingException(field, "is not an email address: " + e.getMessage(), e);
    }
  }

  private Delivery byCode(int code, String text, long start) {
    Optional<Delivery.Reply> reply = Optional.of(Delivery.Reply.smtp(code, String.valueOf(text)));
    if (code >= 400 && code < 500) {
      return new Delivery.Retryable("SMTP " + code, Optional.empty(), reply, since(start));
    }
    return new Delivery.Failed("SMTP " + code, reply, since(start));
  }

  private static Optional<Delivery.Reply> reply(SMTPTransport t) {
    if (t == null || t.getLastReturnCode() <= 0) {
      return Optional.empty();
    }
    return Optional.of(Delivery.Reply.smtp(t.getLastReturnCode(), String.valueOf(t.getLastServerResponse())));
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public String toString() {
    return "EmailChannel[" + id + ", " + settings.host() + ":" + settings.port() + ", " + settings.tls() + "]";
  }
}
