package dev.webmon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonLineTest {
  @Test
  void fieldsInOrderAndDecimalsRoundedAsPrintfWould() {
    String line =
        JsonLine.bench("x")
            .put("name", "a \"quoted\" name")
            .put("count", 12L)
            .put("ok", true)
            .put("rate", 1234.5, 0)
            .put("ratio", 0.74249, 3)
            .put("ms", 2.0, 2)
            .put("small", 1e-9, 1)
            .put("nested", JsonLine.object().put("p95Ms", 12.345, 2))
            .toString();
    assertThat(line)
        .isEqualTo(
            "{\"bench\":\"x\",\"name\":\"a \\\"quoted\\\" name\",\"count\":12,\"ok\":true,\"rate\":1235,\"ratio\":0.742,"
                + "\"ms\":2.00,\"small\":0.0,\"nested\":{\"p95Ms\":12.35}}");
  }

  @Test
  void notANumberStillMakesValidJson() throws Exception {
    String line = JsonLine.bench("x").put("rate", Double.NaN, 1).put("inf", Double.POSITIVE_INFINITY, 0).toString();
    assertThat(new ObjectMapper().readTree(line).get("rate").asText()).isEqualTo("NaN");
  }
}
