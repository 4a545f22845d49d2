package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * A status page in a real browser (Debian's headless Chromium through its chromedriver, as {@link
 * BrowserIT}): a page like the demo's renders without login, shows the 90-day bars and an incident
 * post, and leaks no URL, header or pattern of its targets; a manual post whose Markdown carries a
 * {@code <script>} and a {@code javascript:} link is inert. Its screenshot is the README's
 * (target/screenshots/status-page.png, copied to docs/images/status-page.png). A maintenance window
 * made in the UI form puts its component "Under maintenance" on the public page. A logo chosen in the
 * page form's file input is refused when SVG and shown on the public page when PNG.
 */
@ExtendWith(WebExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageBrowserIT {
  static final Path README_IMAGE = Path.of("docs", "images", "status-page.png");

  private HeadlessChromium browser;
  private WebDriver driver;

  @BeforeAll
  void startBrowser() throws IOException {
    Files.createDirectories(BrowserIT.SCREENSHOTS);
    browser = HeadlessChromium.start("StatusPageBrowserIT", "1000,1400");
    driver = browser.driver();
  }

  @AfterAll
  void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void aPublicPageRendersWithoutLoginLeaksNothingAndItsMarkdownIsInert(WebFixture web) throws Exception {
    String shop = StatusPageIT.target(web, StatusPageIT.SECRET_URL, "Demo: healthy shop", true);
    String api = StatusPageIT.target(web, "https://api-internal.example/v1/ping", "Demo: slow API", false);
    String search = StatusPageIT.target(web, "https://search-internal.example/", "Demo: flapping", false);
    String payments = StatusPageIT.target(web, "https://payments-internal.example/", "Demo: failing", false);
    StatusPageIT.created(web.post("/api/v1/status-pages", "{\"slug\":\"demo\",\"title\":\"Demo shop status\",\"description\":\"The demo site webmon monitors.\"}"));
    for (List<String> c : List.of(List.of("Shop", shop), List.of("API", api), List.of("Search", search), List.of("Payments", payments))) {
      StatusPageIT.created(web.post("/api/v1/status-pages/demo/components", "{\"name\":\"" + c.get(0) + "\",\"targets\":[\"" + c.get(1) + "\"]}"));
    }
    history(web, List.of(shop, api, search, payments));
    Instant now = Instant.now();
    StatusPageIT.incident(web, payments, "down", now.minus(Duration.ofMinutes(42)), Optional.empty());
    StatusPageIT.incident(web, search, "flapping", now.minus(Duration.ofDays(12)), Optional.of(now.minus(Duration.ofDays(12)).plusSeconds(5400)));
    String markdown =
        "The payments backend answers **HTTP 503**; we are on it.\\n\\n<script>alert('xss')</script>\\n\\n"
            + "[details](javascript:alert(document.cookie)) · [provider status](https://example.com/status)";
    StatusPageIT.created(
        web.post("/api/v1/status-pages/demo/posts", "{\"title\":\"Payments failing\",\"status\":\"identified\",\"body\":\"" + markdown + "\"}"));

    // A fresh browser with no session, no token.
    driver.get(web.base() + "/status/demo");
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("sp-components")).isEmpty());
    assertThat(driver.getCurrentUrl()).endsWith("/status/demo");
    assertNoAlert();
    assertThat(driver.findElement(By.id("sp-title")).getText()).isEqualTo("Demo shop status");
    List<WebElement> components = driver.findElements(By.cssSelector(".sp-component"));
    assertThat(components).hasSize(4);
    for (WebElement c : components) {
      List<WebElement> days = c.findElements(By.cssSelector(".sp-bar .sp-day"));
      assertThat(days).hasSize(90);
      assertThat(days.get(89).getDomAttribute("title")).startsWith(LocalDate.now(ZoneOffset.UTC).toString());
      assertThat(days.get(89).getSize().getHeight()).isGreaterThan(10);
    }
    assertThat(components.get(3).getText()).contains("Payments", "Major outage");
    assertThat(driver.findElement(By.id("sp-overall")).getText()).isEqualTo("Major outage");
    // Posts: the manual one and the automatic one are active; the old incident is in the history.
    String active = driver.findElement(By.id("sp-active")).getText();
    assertThat(active).contains("Payments failing", "Outage: Payments", "HTTP 503");
    assertThat(driver.findElement(By.id("sp-history")).getText()).contains("Degraded performance: Search");
    // The script is text, the javascript: link has no such href, the https link stays.
    assertThat(active).contains("<script>alert('xss')</script>");
    assertThat(driver.findElements(By.cssSelector("#sp-active script"))).isEmpty();
    assertThat(driver.findElements(By.cssSelector("a[href^='javascript']"))).isEmpty();
    for (WebElement a : driver.findElements(By.tagName("a"))) {
      String href = a.getDomAttribute("href");
      assertThat(href == null ? "" : href.toLowerCase(java.util.Locale.ROOT)).doesNotStartWith("javascript");
    }
    assertThat(driver.findElement(By.linkText("provider status")).getDomAttribute("href")).isEqualTo("https://example.com/status");
    WebElement details = driver.findElement(By.linkText("details"));
    details.click();
    assertNoAlert();
    // Nothing of the targets but the page's names.
    String source = driver.getPageSource();
    assertThat(source)
        .doesNotContain(StatusPageIT.SECRET_URL, "secret-checkout", "internal.example", StatusPageIT.SECRET_HEADER, StatusPageIT.SECRET_PATTERN,
            "X-Api-Key", "Demo: healthy shop", shop);

    driver.get(web.base() + "/status/demo");
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("sp-components")).isEmpty());
    Path shot = BrowserIT.SCREENSHOTS.resolve("status-page.png");
    Files.write(shot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(shot)).isGreaterThan(10_000);
    Files.createDirectories(README_IMAGE.getParent());
    Files.copy(shot, README_IMAGE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aWindowMadeInTheFormPutsItsComponentUnderMaintenance(WebFixture web) {
    String api = StatusPageIT.target(web, "https://maintained-internal.example/", "Maintained API", false);
    StatusPageIT.created(web.post("/api/v1/status-pages", "{\"slug\":\"maintained\",\"title\":\"Maintained status\"}"));
    StatusPageIT.created(web.post("/api/v1/status-pages/maintained/components", "{\"name\":\"Public API\",\"targets\":[\"" + api + "\"]}"));
    login(web);

    driver.findElement(By.id("nav-maintenance")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("add-maintenance")).isEmpty());
    driver.findElement(By.id("add-maintenance")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("maintenance-form")).isEmpty());
    assertThat(driver.findElement(By.id("schedule.zone")).getDomProperty("value")).isEqualTo("UTC");
    driver.findElement(By.id("title")).sendKeys("API <b>upgrade</b>");
    driver.findElement(By.id("description")).sendKeys("Requests may be slow.");
    driver.findElement(By.id("scope.targets")).sendKeys(api);
    driver.findElement(By.cssSelector("#schedule\\.type option[value='cron']")).click();
    driver.findElement(By.id("schedule.cron")).sendKeys("61 * * * *");
    driver.findElement(By.id("schedule.duration")).sendKeys("1");
    driver.findElement(By.id("save")).click();
    // A bad expression: the error next to its input, nothing stored.
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("schedule.cron-error")).isEmpty());
    assertThat(web.queryLong("SELECT count(*) FROM maintenance_window")).isZero();
    WebElement cron = driver.findElement(By.id("schedule.cron"));
    cron.clear();
    cron.sendKeys("* * * * *"); // every minute for a minute: active at any time
    driver.findElement(By.id("preview")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("maintenance-preview")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("#maintenance-preview li"))).hasSize(5);
    driver.findElement(By.id("save")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("maintenance-active")).isEmpty());
    assertThat(driver.findElement(By.id("maintenance-active")).getText()).contains("API <b>upgrade</b>");
    assertNoAlert();

    driver.get(web.base() + "/status/maintained");
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("sp-components")).isEmpty());
    assertThat(driver.findElement(By.cssSelector(".sp-component")).getText()).contains("Public API", "Under maintenance");
    assertThat(driver.findElement(By.id("sp-overall")).getText()).isEqualTo("Under maintenance");
    assertThat(driver.findElement(By.id("sp-maintenance")).getText()).contains("Scheduled maintenance", "API <b>upgrade</b>", "Requests may be slow.");
    assertThat(driver.getPageSource()).doesNotContain(api, "maintained-internal", "Maintained API");
    driver.manage().deleteAllCookies(); // the other test's browser has no session
  }

  @Test
  void aLogoChosenInThePageFormIsCheckedAndShown(WebFixture web) throws Exception {
    StatusPageIT.created(web.post("/api/v1/status-pages", "{\"slug\":\"branded\",\"title\":\"Branded status\"}"));
    Path dir = Files.createTempDirectory("webmon-logo-");
    Path svg = Files.writeString(dir.resolve("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>");
    Path png = Files.write(dir.resolve("logo.png"), StatusLogoFormIT.png());
    try {
      login(web);
      driver.get(web.base() + "/status-pages/branded/edit");
      await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("logo")).isEmpty());
      driver.findElement(By.id("logo")).sendKeys(svg.toAbsolutePath().toString());
      driver.findElement(By.id("save-page")).click();
      await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("logo-error")).isEmpty());
      assertThat(driver.findElement(By.id("logo-error")).getText()).contains("is not a PNG, JPEG, GIF or WebP image");
      assertThat(web.queryLong("SELECT count(*) FROM status_page WHERE slug = 'branded' AND logo IS NULL")).isOne();
      assertNoAlert();

      driver.findElement(By.id("logo")).sendKeys(png.toAbsolutePath().toString());
      driver.findElement(By.id("save-page")).click();
      await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("logo-preview")).isEmpty());
      assertThat(driver.findElements(By.id("logo-error"))).isEmpty();

      driver.manage().deleteAllCookies(); // the public page, without a session
      driver.get(web.base() + "/status/branded");
      await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("sp-components")).isEmpty());
      WebElement logo = driver.findElement(By.cssSelector("img.sp-logo"));
      await().atMost(Duration.ofSeconds(30)).until(() -> "8".equals(logo.getDomProperty("naturalWidth"))); // decoded by Chromium
    } finally {
      driver.manage().deleteAllCookies();
      Files.delete(svg);
      Files.delete(png);
      Files.delete(dir);
    }
  }

  private void login(WebFixture web) {
    driver.get(web.base() + "/login");
    await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(By.id("password")).isEmpty());
    driver.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD);
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.getCurrentUrl().endsWith("/targets"));
  }

  /** 90 days of daily uptime, a little different per target and day (a bad day here and there). */
  private static void history(WebFixture web, List<String> targets) throws SQLException {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    for (int t = 0; t < targets.size(); t++) {
      for (int d = 2; d < 90; d++) {
        long checks = 8640;
        long down = (d * 7L + t * 13L) % 23 == 0 ? 400 : (d + t) % 9 == 0 ? 40 : (d * t) % 31 == 1 ? 3000 : 0;
        if (t == 3 && d < 5) {
          down = 1500;
        }
        web.execute(
            "INSERT INTO check_uptime_daily (target_id, day, checks, up_checks, total_us_sum) VALUES (?, ?::date, ?, ?, ?)",
            targets.get(t), today.minusDays(d).toString(), checks, checks - down, checks * 180_000.0);
      }
      Instant hour = Instant.now().minus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
      TestData.rollups(web.db, targets.get(t), "eu", hour.minus(Duration.ofHours(30)), hour, 360, t == 3 ? 200 : 360, 180_000, 400_000);
    }
  }

  private void assertNoAlert() {
    try {
      driver.switchTo().alert();
      throw new AssertionError("a JavaScript alert opened: the page executed injected script");
    } catch (NoAlertPresentException expected) {
      // rendered as text
    }
  }
}
