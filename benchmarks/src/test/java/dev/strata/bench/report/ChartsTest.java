package dev.strata.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ChartsTest {
  private static Document parse(String svg) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void eachChartIsSvgWithALinePerBuilderThatRan() throws Exception {
    var r = SampleResults.replay();
    for (String svg :
        List.of(ReportWriter.buildTime(r), ReportWriter.hitRate(r), ReportWriter.cumulative(r))) {
      Document d = parse(svg);
      assertEquals("svg", d.getDocumentElement().getTagName());
      // strata has a line and a point per commit; buildah, missing, has neither
      assertEquals(1, d.getElementsByTagName("path").getLength());
      assertEquals(4, d.getElementsByTagName("circle").getLength());
    }
  }

  @Test
  void gapsWhereABuildFailed() throws Exception {
    String svg =
        SvgChart.render(
            "t",
            "y",
            List.of("a", "b", "c"),
            List.of(new SvgChart.Series("s", Arrays.asList(1.0, null, 3.0))),
            0);
    Document d = parse(svg);
    String path =
        d.getElementsByTagName("path").item(0).getAttributes().getNamedItem("d").getNodeValue();
    assertEquals(2, path.split("M").length - 1, path); // two separate pieces
  }

  @Test
  void roundMaxima() {
    assertEquals(5.0, SvgChart.niceMax(List.of(new SvgChart.Series("s", List.of(4.2)))));
    assertEquals(25.0, SvgChart.niceMax(List.of(new SvgChart.Series("s", List.of(21.0)))));
    assertEquals(1.0, SvgChart.niceMax(List.of(new SvgChart.Series("s", List.of(0.0)))));
  }
}
