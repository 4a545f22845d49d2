package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Behind a trusted reverse proxy (here: loopback) each client is throttled by its own address from
 * X-Forwarded-For, and a user name by itself whatever the addresses. Every test uses its own
 * addresses and user names, so the counters of one do not reach another.
 */
@ExtendWith(WebExtension.class)
@WebExtension.WebSettings("web.trusted-proxies=127.0.0.0/8, ::1")
class LoginThrottleIT {
  private static final int USER_LIMIT = LoginThrottle.MAX_USER_FAILURES;

  @Test
  void eachForwardedClientHasItsOwnCounter(WebFixture web) {
    LoginAttempts logins = new LoginAttempts(web.base());
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      assertThat(logins.attempt("alice" + i, "wrong", Optional.of("203.0.113.1"))).as("attempt " + i).isEqualTo(401);
    }
    assertThat(logins.attempt("alice", "wrong", Optional.of("203.0.113.1"))).isEqualTo(429);
    assertThat(logins.attempt("alice", "wrong", Optional.of("203.0.113.2"))).as("another client").isEqualTo(401);
    // A client cannot choose its address: the proxy appends the real one, the rightmost untrusted counts.
    assertThat(logins.attempt("alice", "wrong", Optional.of("203.0.113.9, 203.0.113.1"))).isEqualTo(429);
  }

  @Test
  void oneUserNameIsLockedWhateverTheAddresses(WebFixture web) {
    LoginAttempts logins = new LoginAttempts(web.base());
    for (int i = 0; i < USER_LIMIT; i++) {
      assertThat(logins.attempt("bob", "wrong", Optional.of("192.0.2." + (i + 1)))).as("attempt " + i).isEqualTo(401);
    }
    assertThat(logins.attempt("bob", "wrong", Optional.of("192.0.2.200"))).isEqualTo(429);
    assertThat(logins.attempt("Bob ", "wrong", Optional.of("192.0.2.201"))).as("the same name spelled otherwise").isEqualTo(429);
    assertThat(logins.attempt("admin", WebFixture.PASSWORD, Optional.of("192.0.2.202"))).as("other users are not locked")
        .isEqualTo(303);
  }
}
