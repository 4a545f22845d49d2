package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The UI in a real browser: Debian's headless Chromium driven through its own chromedriver (no
 * browser download; Selenium Manager is never asked). Logs in, adds a target through the form
 * (first with a bad URL), sees it listed, sees results and the chart drawn; opens the incidents
 * page, an incident, and acks it. Screenshots go to target/screenshots. Then adds an alert policy
 * and attaches it to a new target (last: the first test counts the targets from zero). Creates a
 * webhook channel to a local receiver and presses "Send test".
 */
@ExtendWith(WebExtension.class)
@WebExtension.AllowNetworks("127.0.0.1/32") // the local webhook receiver of the channel test
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private HeadlessChromium browser;
  private WebDriver driver;

  @BeforeAll
  void startBrowser() throws IOException {
    Files.createDirectories(SCREENSHOTS);
    browser = HeadlessChromium.start("BrowserIT", "1400,1000");
    driver = browser.driver();
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void logInAddATargetSeeItListedWithResultsAndAChart(WebFixture web) throws Exception {
    String base = web.base();
    driver.get(base + "/targets");
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().contains("/login"));
    screenshot("01-login");
    driver.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD);
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().endsWith("/targets"));

    driver.findElement(By.id("add-target")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("target-form")).isEmpty());
    // The custom seconds input is hidden until "custom" is chosen (our script runs under the CSP).
    assertThat(driver.findElement(By.id("custom-interval")).isDisplayed()).isFalse();
    driver.findElement(By.id("url")).sendKeys("ftp://files.example.com/");
    driver.findElement(By.id("name")).sendKeys(SecurityIT.XSS);
    driver.findElement(By.cssSelector("#intervalPreset option[value='300']")).click();
    driver.findElement(By.id("save")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("url-error")).isEmpty());
    assertThat(driver.findElement(By.id("url-error")).getText()).contains("scheme must be http or https");
    assertThat(driver.findElement(By.id("url")).getDomAttribute("aria-invalid")).isEqualTo("true");
    screenshot("02-validation-message");
    assertThat(web.targetRows()).isZero();

    WebElement url = driver.findElement(By.id("url"));
    url.clear();
    url.sendKeys("https://browser.example.com/health");
    driver.findElement(By.id("save")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().matches(".*/targets/[a-z0-9]{16}$"));
    String id = driver.getCurrentUrl().substring(driver.getCurrentUrl().lastIndexOf('/') + 1);
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo(SecurityIT.XSS);
    assertNoAlert();

    // Results as the sink writes them: 6 hours every 2 minutes from two locations, a few DOWN.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (String location : List.of("eu-west", "us-east")) {
      for (int i = 0; i < 180; i++) {
        Instant at = now.minus(Duration.ofMinutes(2L * i + 1));
        boolean up = !(location.equals("us-east") && i < 3);
        TestData.result(web.db, id, location, at, up, up ? null : "HTTP_STATUS", 40_000 + 1_000L * (i % 40));
      }
      TestData.status(web.db, id, location, now.minusSeconds(60), !location.equals("us-east"), location.equals("us-east") ? "HTTP_STATUS" : null);
    }
    TestData.rollups(web.db, id, "eu-west", now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(20)),
        now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(7)), 30, 30, 45_000, 80_000);

    driver.get(base + "/targets/" + id + "?window=24h");
    WebElement chart = awaitChart();
    WebElement svg = chart.findElement(By.tagName("svg"));
    assertThat(Integer.parseInt(svg.getDomAttribute("data-points"))).isGreaterThan(100);
    assertThat(svg.getDomAttribute("data-resolution")).isEqualTo("raw");
    assertThat(chart.findElement(By.cssSelector("path.phase-ttfb")).getDomAttribute("d")).hasSizeGreaterThan(100);
    assertThat(chart.findElement(By.cssSelector("path.p95")).getDomAttribute("d")).contains("L");
    assertThat(chart.findElements(By.cssSelector(".status-strip rect.st-up"))).isNotEmpty();
    assertThat(chart.findElements(By.cssSelector(".status-strip rect.st-partial, .status-strip rect.st-down"))).isNotEmpty();
    assertThat(driver.findElement(By.id("results")).getText()).contains("HTTP_STATUS").contains("us-east");
    assertThat(driver.findElement(By.id("locations")).getText()).contains("eu-west").contains("us-east");
    screenshot("03-target-page-24h");

    driver.get(base + "/targets/" + id + "?window=30d");
    WebElement month = awaitChart().findElement(By.tagName("svg"));
    assertThat(month.getDomAttribute("data-resolution")).isEqualTo("hourly");
    assertThat(Integer.parseInt(month.getDomAttribute("data-points"))).isGreaterThan(400);
    screenshot("04-target-page-30d");

    driver.get(base + "/targets");
    WebElement row = driver.findElement(By.cssSelector("#targets-table tr[data-id='" + id + "']"));
    assertThat(row.findElement(By.cssSelector("td.name a")).getText()).isEqualTo(SecurityIT.XSS);
    assertThat(row.findElement(By.cssSelector(".dot")).getDomAttribute("class")).contains("degraded");
    assertThat(row.findElements(By.cssSelector("svg.spark polyline"))).isNotEmpty();
    assertNoAlert();
    screenshot("05-targets-list");
  }

  @Test
  @Order(Integer.MAX_VALUE - 1)
  void addAWebhookChannelAndSendATest(WebFixture web) throws Exception {
    String secret = "browser-secret-0123456789";
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      driver.get(web.base() + "/channels");
      if (driver.getCurrentUrl().contains("/login")) {
        driver.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().endsWith("/channels"));
      }
      driver.findElement(By.cssSelector("#new-type option[value='webhook']")).click();
      driver.findElement(By.id("add-channel")).click();
      await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("channel-form")).isEmpty());
      driver.findElement(By.id("name")).sendKeys("Browser hook");
      driver.findElement(By.id("settings.url")).sendKeys(receiver.url("/browser-hook"));
      driver.findElement(By.id("settings.secret")).sendKeys("short");
      driver.findElement(By.id("save")).click();
      await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("settings.secret-error")).isEmpty());
      assertThat(driver.findElement(By.id("settings.secret-error")).getText()).contains("at least 16 characters");
      assertThat(web.queryLong("SELECT count(*) FROM notify_channel")).isZero();
      screenshot("20-channel-validation");
      driver.findElement(By.id("settings.url")).sendKeys(receiver.url("/browser-hook"));
      driver.findElement(By.id("settings.secret")).sendKeys(secret);
      driver.findElement(By.id("save")).click();
      await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().endsWith("/channels/browser-hook/edit"));
      assertThat(driver.findElement(By.id("settings.secret-state")).getText()).isEqualTo("set");
      assertThat(driver.getPageSource()).doesNotContain(secret);
      driver.findElement(By.id("send-test")).click();
      await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("test-answer")).isEmpty());
      assertThat(driver.findElement(By.id("test-answer")).getText()).contains("Test delivered").contains("HTTP 200");
      assertThat(driver.findElement(By.id("channel-deliveries")).getText()).contains("TEST").contains("delivered");
      screenshot("21-channel-test-answer");
      assertNoAlert();
      assertThat(receiver.received).hasSize(1);
      WebhookReceiver.Request got = receiver.received.get(0);
      assertThat(got.path()).isEqualTo("/browser-hook");
      assertThat(got.header("X-Webmon-Signature")).isEqualTo("sha256=" + WebhookReceiver.hmacHex(secret, got.body()));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void addAnAlertPolicyAndAttachItToATarget(WebFixture web) throws Exception {
    String base = web.base();
    driver.get(base + "/targets");
    if (driver.getCurrentUrl().contains("/login")) {
      driver.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD);
      driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
      await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().endsWith("/targets"));
    }
    driver.findElement(By.linkText("Alert policies")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("policies-table")).isEmpty());
    assertThat(driver.findElement(By.id("policy-default")).getText()).contains("default");
    driver.findElement(By.id("add-policy")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("policy-form")).isEmpty());
    driver.findElement(By.id("name")).sendKeys("browser-policy");
    driver.findElement(By.id("tags")).sendKeys("checkout");
    driver.findElement(By.id("failureThreshold")).sendKeys("0");
    driver.findElement(By.id("save")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("failureThreshold-error")).isEmpty());
    assertThat(driver.findElement(By.id("failureThreshold-error")).getText()).contains("between 1 and 100");
    assertThat(driver.findElement(By.id("failureThreshold")).getDomAttribute("aria-invalid")).isEqualTo("true");
    screenshot("06-policy-validation-message");
    assertThat(web.policyRows()).isEqualTo(1);

    WebElement threshold = driver.findElement(By.id("failureThreshold"));
    threshold.clear();
    threshold.sendKeys("3");
    driver.findElement(By.id("save")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("policy-browser-policy")).isEmpty());
    assertThat(driver.findElement(By.id("policy-browser-policy")).getText()).contains("Failures in a row: 3").contains("checkout");
    screenshot("07-policies");

    driver.get(base + "/targets/new");
    driver.findElement(By.id("url")).sendKeys("https://policy.example.com/");
    driver.findElement(By.cssSelector("#alerting summary")).click();
    driver.findElement(By.cssSelector("#alertPolicy option[value='browser-policy']")).click();
    driver.findElement(By.id("override-quorum")).sendKeys("2");
    screenshot("08-target-form-alerting");
    driver.findElement(By.id("save")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().matches(".*/targets/[a-z0-9]{16}$"));
    String id = driver.getCurrentUrl().substring(driver.getCurrentUrl().lastIndexOf('/') + 1);
    var target = web.get("/api/v1/targets/" + id).json();
    assertThat(target.get("alertPolicy").asText()).isEqualTo("browser-policy");
    assertThat(target.get("alertOverrides").get("quorum").asInt()).isEqualTo(2);

    driver.get(base + "/targets/" + id + "/edit");
    assertThat(driver.findElement(By.cssSelector("#alertPolicy option[value='browser-policy']")).isSelected()).isTrue();
    assertNoAlert();
  }

  @Test
  void openTheIncidentsPageAnIncidentAndAckIt(WebFixture web) throws Exception {
    String base = web.base();
    WebFixture.Response created = web.post("/api/v1/targets", "{\"url\":\"https://incident.example.com/\",\"name\":\"Incident shop\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String target = created.json().get("id").asText();
    Instant opened = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(12));
    java.util.UUID cause = dev.webmon.store.IncidentRows.resultId(opened.minusSeconds(60));
    dev.webmon.store.IncidentRows.result(web.db, target, "eu-west", opened.minusSeconds(60), cause, false, "TIMEOUT");
    String locations = dev.webmon.store.IncidentRows.locations("eu-west", "DOWN", "TIMEOUT", cause, "us-east", "DOWN", SecurityIT.XSS, null);
    java.util.UUID incident = java.util.UUID.randomUUID();
    dev.webmon.store.IncidentRows.incident(web.db, incident, target, "down", "open", opened, null, cause, locations);
    dev.webmon.store.IncidentRows.event(web.db, incident, 1, "OPENED", "down", opened, locations, null);

    driver.get(base + "/healthz");
    driver.manage().deleteAllCookies(); // logged out, whichever test ran before
    driver.get(base + "/incidents");
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().contains("/login"));
    driver.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD);
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().endsWith("/incidents"));
    assertThat(driver.findElement(By.id("nav-incidents")).getDomAttribute("aria-current")).isEqualTo("page");
    WebElement row = driver.findElement(By.cssSelector("#incidents-table tr[data-id='" + incident + "']"));
    assertThat(row.getText()).contains("open").contains("down").contains("eu-west, us-east");
    screenshot("06-incidents");
    row.findElement(By.cssSelector("a[href='/incidents/" + incident + "']")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().endsWith("/incidents/" + incident));
    assertThat(driver.findElement(By.id("incident-timeline")).getText()).contains("opened");
    assertThat(driver.findElement(By.id("incident-locations")).getText()).contains("eu-west").contains(SecurityIT.XSS);
    assertThat(driver.findElement(By.id("incident-results")).getText()).contains("TIMEOUT").contains("cause");
    driver.findElement(By.cssSelector("#incident-locations a[href='#result-" + cause + "']")).click();
    assertNoAlert();
    screenshot("07-incident");

    long before = WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic);
    driver.findElement(By.id("ack-note")).sendKeys("on it");
    driver.findElement(By.id("ack")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().endsWith("?ack=sent"));
    assertThat(driver.findElement(By.id("ack-notice")).getText()).contains("Acknowledgement sent");
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic)).isEqualTo(before + 1);
    screenshot("08-incident-acked");

    driver.get(base + "/targets/" + target);
    assertThat(driver.findElement(By.cssSelector(".open-incident")).getText()).contains("down");
    assertThat(driver.findElement(By.id("target-incidents")).getText()).contains("open");
    // Logged out again and this test's rows gone: the other test starts from an empty app.
    driver.manage().deleteAllCookies();
    web.execute("DELETE FROM incident WHERE id = ?", incident);
    web.execute("DELETE FROM check_result WHERE target_id = ?", target);
    web.execute("DELETE FROM target WHERE id = ?", target);
  }

  private WebElement awaitChart() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "true".equals(driver.findElement(By.id("chart")).getDomAttribute("data-rendered")));
    return driver.findElement(By.id("chart"));
  }

  private void assertNoAlert() {
    try {
      driver.switchTo().alert();
      throw new AssertionError("a JavaScript alert opened: the page executed injected script");
    } catch (NoAlertPresentException expected) {
      // rendered as text
    }
  }

  private void screenshot(String name) throws IOException {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name + ".png"), png);
  }
}
