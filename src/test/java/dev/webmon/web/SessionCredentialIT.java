package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.check.AddressPolicy;
import dev.webmon.config.Settings;
import java.net.HttpCookie;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sessions are bound to the admin password they were made with: after a password change (a web
 * instance started with the new one), a session of the old password logs no one in, and a login
 * with the new password removes the sessions of the old one.
 */
@ExtendWith(WebExtension.class)
class SessionCredentialIT {
  private static final String NEW_PASSWORD = "a brand new passphrase";

  @Test
  void aPasswordChangeEndsTheSessionsOfTheOldPassword(WebFixture web) throws SQLException {
    UiClient before = new UiClient(web.base());
    assertThat(before.login(WebFixture.PASSWORD).statusCode()).isEqualTo(303);
    assertThat(before.get("/targets/new").statusCode()).as("logged in with the old password").isEqualTo(200);
    UiClient second = new UiClient(web.base());
    assertThat(second.login(WebFixture.PASSWORD).statusCode()).isEqualTo(303);
    assertThat(sessions(web)).isEqualTo(2);

    WebConfig changed =
        WebConfig.from(
            Settings.of(
                Map.of(
                    WebConfig.PORT.name(), "0",
                    WebConfig.BIND_ADDRESS.name(), "127.0.0.1",
                    WebConfig.ADMIN_PASSWORD.name(), NEW_PASSWORD,
                    WebConfig.API_TOKEN.name(), WebFixture.TOKEN)));
    try (WebApp restarted = WebApp.create(changed, web.db, web.publisher, web.policies, AddressPolicy.allowingAll(), Clock.systemUTC()).start()) {
      String base = "http://127.0.0.1:" + restarted.port();
      UiClient old = new UiClient(base);
      copyCookies(before, old, base);
      assertThat(old.get("/targets/new").statusCode()).as("the old password's session, on the new password").isEqualTo(302);

      UiClient fresh = new UiClient(base);
      assertThat(fresh.login(WebFixture.PASSWORD).statusCode()).as("the old password").isEqualTo(401);
      assertThat(fresh.login(NEW_PASSWORD).statusCode()).isEqualTo(303);
      assertThat(fresh.get("/targets/new").statusCode()).isEqualTo(200);
      assertThat(sessions(web)).as("the login with the new password removed the old password's sessions").isEqualTo(1);
    }
  }

  private static void copyCookies(UiClient from, UiClient to, String base) {
    for (HttpCookie c : from.cookies.getCookieStore().getCookies()) {
      to.cookies.getCookieStore().add(URI.create(base), c);
    }
  }

  private static long sessions(WebFixture web) throws SQLException {
    try (Connection c = web.db.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM web_session")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
