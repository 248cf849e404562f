package dev.strata.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * A small line chart as standalone SVG (viewable in a browser and in a README): one line per series
 * over the same x labels, y from 0 to a round maximum, a legend. Null values leave a gap.
 */
final class SvgChart {
  /** One line of the chart. */
  record Series(String name, List<Double> values) {}

  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
  private static final int W = 760;
  private static final int H = 320;
  private static final int LEFT = 60;
  private static final int RIGHT = 60; // room for the last x label, turned 45 degrees
  private static final int TOP = 40;
  private static final int BOTTOM = 80; // room for x labels turned 45 degrees

  private SvgChart() {}

  static String render(
      String title, String yLabel, List<String> x, List<Series> series, double yMax) {
    double max = yMax > 0 ? yMax : niceMax(series);
    int n = x.size();
    double pw = W - LEFT - RIGHT;
    double ph = H - TOP - BOTTOM;
    StringBuilder s = new StringBuilder();
    s.append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0"
                    + " %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                W,
                H,
                W,
                H))
        .append(
            String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H))
        .append(
            String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                LEFT,
                esc(title)));
    for (int t = 0; t <= 4; t++) {
      double v = max * t / 4;
      double y = TOP + ph - ph * t / 4;
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              LEFT,
              y,
              W - RIGHT,
              y,
              LEFT - 6,
              y + 4,
              label(v)));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
            TOP + ph / 2,
            esc(yLabel)));
    int every = Math.max(1, (int) Math.ceil(n / 20.0));
    for (int i = 0; i < n; i++) {
      if (i % every != 0) {
        continue;
      }
      double px = xAt(i, n, pw);
      s.append(
          String.format(
              Locale.ROOT,
              "<text transform=\"translate(%.1f %d) rotate(45)\">%s</text>%n",
              px,
              H - BOTTOM + 14,
              esc(x.get(i))));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>%n",
            LEFT,
            TOP + ph,
            W - RIGHT,
            TOP + ph));
    for (int k = 0; k < series.size(); k++) {
      Series se = series.get(k);
      String colour = COLOURS[k % COLOURS.length];
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < se.values().size() && i < n; i++) {
        Double v = se.values().get(i);
        if (v == null) {
          pen = false;
          continue;
        }
        double px = xAt(i, n, pw);
        double py = TOP + ph - ph * Math.min(v, max) / max;
        path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
        pen = true;
        s.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s %s: %s</title>"
                    + "</circle>%n",
                px,
                py,
                colour,
                esc(se.name()),
                esc(x.get(i)),
                label(v)));
      }
      if (path.length() > 0) {
        s.append(
            String.format(
                Locale.ROOT,
                "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n",
                path.toString().strip(),
                colour,
                // equal values would hide one line under the next: the first is wide, the
                // others dashed on top of it
                k == 0 ? "3.5" : "1.5",
                k == 0 ? "" : " stroke-dasharray=\"6 3\""));
      }
      int lx = W - RIGHT - 110 * (series.size() - k);
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"12\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"17\">%s</text>%n",
              lx,
              colour,
              lx + 16,
              esc(se.name())));
    }
    return s.append("</svg>\n").toString();
  }

  private static double xAt(int i, int n, double pw) {
    return n <= 1 ? LEFT + pw / 2 : LEFT + pw * i / (n - 1);
  }

  /** The smallest of 1, 2, 2.5, 5 times a power of ten at or above every value. */
  static double niceMax(List<Series> series) {
    double m = 0;
    for (Series s : series) {
      for (Double v : s.values()) {
        if (v != null) {
          m = Math.max(m, v);
        }
      }
    }
    if (m <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(m)));
    for (double f : new double[] {1, 2, 2.5, 5, 10}) {
      if (f * p >= m) {
        return f * p;
      }
    }
    return 10 * p;
  }

  private static String label(double v) {
    return v == Math.rint(v)
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
