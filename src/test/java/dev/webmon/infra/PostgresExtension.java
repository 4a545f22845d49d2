package dev.webmon.infra;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving tests a real PostgreSQL 18: ONE {@link EmbeddedPostgres} per test JVM,
 * started on first use and stopped when the test run ends.
 *
 * <p>Resolves parameters of type {@link EmbeddedPostgres} (the shared server) and {@link
 * TestDatabase} (a new, empty database owned by user {@code webmon}, dropped when the test — or,
 * for a {@code @BeforeAll} parameter, the class — is done):
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class ResultStoreIT {
 *   @Test
 *   void storesResults(TestDatabase db) {
 *     PostgresConfig config = db.config(); // jdbc:postgresql://127.0.0.1:<port>/test_3_ab12cd34, user webmon
 *     ...
 *   }
 * }
 * }</pre>
 */
public final class PostgresExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == EmbeddedPostgres.class || type == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    EmbeddedPostgres pg = shared(context);
    if (parameter.getParameter().getType() == EmbeddedPostgres.class) {
      return pg;
    }
    TestDatabase db = TestDatabase.create(pg, uniqueDatabaseName());
    // Closed (dropped) by JUnit when this context — the test method or class — ends.
    context.getStore(NAMESPACE).put(db.name(), db);
    return db;
  }

  /** The shared server, started on first use; closed by JUnit at the end of the run. */
  public static EmbeddedPostgres shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(EmbeddedPostgres.class, k -> EmbeddedPostgres.builder().start(), EmbeddedPostgres.class);
  }

  /** A database name no other test uses: {@code test_<n>_<random>}. */
  public static String uniqueDatabaseName() {
    return "test_" + COUNTER.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
  }
}
