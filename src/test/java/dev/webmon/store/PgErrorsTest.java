package dev.webmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.WebmonException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PgErrorsTest {
  private static SQLException state(String state) {
    return new SQLException("boom", state);
  }

  @ParameterizedTest
  @ValueSource(strings = {"08000", "08001", "08003", "08006", "08P01", "53000", "53100", "53200", "53300", "57P01", "57P02", "57P03"})
  void connectionResourceAndShutdownStatesAreUnavailable(String s) {
    assertThat(PgErrors.isUnavailable(state(s))).isTrue();
    assertThat(Jdbc.failure(state(s))).isInstanceOf(UnavailableException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"57014", "57P04", "57000", "23505", "23503", "22001", "40001", "40P01", "42P01", "42601", "55P03", "XX000"})
  void otherStatesAreNotUnavailable(String s) {
    assertThat(PgErrors.isUnavailable(state(s))).isFalse();
    WebmonException failure = Jdbc.failure(state(s));
    assertThat(failure).isNotInstanceOf(UnavailableException.class).hasMessage("Database error (SQLState " + s + ")");
  }

  @Test
  void thePoolsConnectionTimeoutIsUnavailable() {
    assertThat(PgErrors.isUnavailable(new SQLTransientConnectionException("pool timed out"))).isTrue();
  }

  @Test
  void anIoFailureWithoutAStateIsUnavailable() {
    assertThat(PgErrors.isUnavailable(new SQLException("An I/O error occurred while sending to the backend."))).isTrue();
  }

  @Test
  void theStateIsTakenFromTheChainOfNextExceptions() {
    SQLException batch = new SQLException("Batch entry 0 was aborted");
    batch.setNextException(state("23505"));
    assertThat(PgErrors.state(batch)).contains("23505");
    assertThat(PgErrors.isUnavailable(batch)).isFalse();
    assertThat(PgErrors.isUniqueViolation(batch)).isTrue();
  }

  @Test
  void unavailabilityIsOneExceptionNamingWhatAndKeepingTheWebsMessage() {
    WebmonException e = Jdbc.failure(state("08006"));
    assertThat(e).isInstanceOf(UnavailableException.class).hasMessage("PostgreSQL is unavailable; nothing was changed. Try again shortly.");
    assertThat(((UnavailableException) e).what()).isEqualTo("PostgreSQL");
    assertThat(e.getCause()).hasMessage("boom");
  }

  @Test
  void dataErrorsAreDataAndIntegrityAndLimitClassesExceptDuplicates() {
    assertThat(PgErrors.isDataError(state("22P05"))).isTrue();
    assertThat(PgErrors.isDataError(state("23502"))).isTrue();
    assertThat(PgErrors.isDataError(state("54000"))).isTrue();
    assertThat(PgErrors.isDataError(state("23505"))).isFalse();
    assertThat(PgErrors.isDataError(state("08006"))).isFalse();
    assertThat(PgErrors.isDataError(new SQLException("no state"))).isFalse();
  }

  @Test
  void lockTimeoutIs55P03() {
    assertThat(PgErrors.isLockTimeout(state("55P03"))).isTrue();
    assertThat(PgErrors.isLockTimeout(state("57014"))).isFalse();
  }

  @Test
  void describeIsStateAndFirstLine() {
    assertThat(PgErrors.describe(new SQLException("ERROR: nope\n  Detail: more", "42P01"))).isEqualTo("[42P01] ERROR: nope");
    assertThat(PgErrors.describe(new SQLException("no state"))).isEqualTo("no state");
  }
}
