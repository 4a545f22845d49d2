package dev.webmon.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.check.AddressPolicy;
import dev.webmon.check.CheckConfig;
import dev.webmon.config.Settings;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoAllowListTest {
  @Test
  void theDemoAllowsOnlyItsOwnPortOnLoopback() throws Exception {
    Settings s = Standalone.withDemoAllowed(Settings.of(Map.of("check.allowed-networks", "10.20.0.0/16")), 18123);
    AddressPolicy policy = AddressPolicy.fromConfig(CheckConfig.from(s));
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    assertThat(policy.refusal(loopback, 18123)).as("the demo site").isEmpty();
    assertThat(policy.refusal(loopback, 5432)).as("the embedded PostgreSQL's kind of port").isPresent();
    assertThat(policy.refusal(loopback, 9092)).as("the embedded Kafka's kind of port").isPresent();
    assertThat(policy.refusal(InetAddress.getByName("10.20.1.2"), 5432)).as("the user's own entry stays").isEmpty();
  }
}
