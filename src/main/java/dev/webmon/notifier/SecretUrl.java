package dev.webmon.notifier;

import dev.webmon.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A URL that is itself a credential (Slack, Teams and Discord webhooks carry their token in the
 * path). {@link #toString()} shows only the host; errors never quote it.
 */
record SecretUrl(Secret value) {
  SecretUrl {
    URI u = parse(value.reveal());
    if (u == null) {
      throw new InvalidSettingException("url", "must be an absolute http or https URL with a host and no user info");
    }
  }

  static SecretUrl of(String url) {
    return new SecretUrl(new Secret(url));
  }

  private static URI parse(String text) {
    try {
      URI u = new URI(text);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || u.getHost() == null || u.getRawUserInfo() != null) {
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  URI uri() {
    return parse(value.reveal());
  }

  @Override
  public String toString() {
    return "https://" + uri().getHost() + "/******";
  }
}
