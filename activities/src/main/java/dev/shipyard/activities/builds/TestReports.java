package dev.shipyard.activities.builds;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Reads what the test runners and coverage tools wrote: JUnit XML (pytest, node's junit reporter,
 * Surefire), coverage.py's JSON, JaCoCo's CSV and node's coverage table. The files come from the
 * built project, so the XML parser resolves no DTD or entity, and oversized files are not read.
 */
final class TestReports {

  static final long MAX_REPORT_BYTES = 32L << 20;

  private TestReports() {}

  /** One test case of a report. */
  record TestCase(String name, Verdict verdict) {}

  enum Verdict {
    PASSED,
    FAILED,
    SKIPPED
  }

  /** Every {@code <testcase>} of the JUnit XML files, in order; {@code classPrefix} for Java. */
  static List<TestCase> junit(List<Path> files, boolean classPrefix) {
    List<TestCase> cases = new ArrayList<>();
    for (Path file : files) {
      try {
        if (Files.size(file) > MAX_REPORT_BYTES) {
          continue;
        }
        Document document;
        try (InputStream in = Files.newInputStream(file)) {
          document = parser().parse(in);
        }
        NodeList nodes = document.getElementsByTagName("testcase");
        for (int i = 0; i < nodes.getLength(); i++) {
          Element testcase = (Element) nodes.item(i);
          String name = testcase.getAttribute("name");
          if (classPrefix && !testcase.getAttribute("classname").isBlank()) {
            String className = testcase.getAttribute("classname");
            name = className.substring(className.lastIndexOf('.') + 1) + "." + name;
          }
          cases.add(new TestCase(name, verdict(testcase)));
        }
      } catch (Exception e) {
        // An unreadable report counts nothing; the log shows the runner's own output.
      }
    }
    return cases;
  }

  private static Verdict verdict(Element testcase) {
    for (Node child = testcase.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element element) {
        switch (element.getTagName()) {
          case "failure", "error" -> {
            return Verdict.FAILED;
          }
          case "skipped" -> {
            return Verdict.SKIPPED;
          }
          default -> {}
        }
      }
    }
    return Verdict.PASSED;
  }

  private static DocumentBuilder parser() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    return factory.newDocumentBuilder();
  }

  private static final Pattern PERCENT_COVERED =
      Pattern.compile("\"totals\"\\s*:\\s*\\{[^}]*?\"percent_covered\"\\s*:\\s*([0-9.]+)");

  /** coverage.py's {@code coverage json}: totals.percent_covered, or null. */
  static Double coveragePy(Path json) {
    String text = read(json);
    if (text == null) {
      return null;
    }
    Matcher matcher = PERCENT_COVERED.matcher(text);
    return matcher.find() ? round(Double.parseDouble(matcher.group(1))) : null;
  }

  private static final Pattern NODE_ALL_FILES =
      Pattern.compile("(?m)^\\S*\\s*all files\\s*\\|\\s*([0-9.]+)\\s*\\|");

  /** The line % of node's {@code --experimental-test-coverage} table ({@code all files}). */
  static Double nodeCoverage(String log) {
    Matcher matcher = NODE_ALL_FILES.matcher(log);
    Double found = null;
    while (matcher.find()) {
      found = round(Double.parseDouble(matcher.group(1)));
    }
    return found;
  }

  /** Line coverage summed over JaCoCo CSV reports (LINE_COVERED / LINE_MISSED), or null. */
  static Double jacoco(List<Path> csvFiles) {
    long covered = 0;
    long missed = 0;
    boolean any = false;
    for (Path csv : csvFiles) {
      try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
        String header = reader.readLine();
        if (header == null) {
          continue;
        }
        List<String> columns = Arrays.asList(header.split(","));
        int missedColumn = columns.indexOf("LINE_MISSED");
        int coveredColumn = columns.indexOf("LINE_COVERED");
        if (missedColumn < 0 || coveredColumn < 0) {
          continue;
        }
        String line;
        while ((line = reader.readLine()) != null) {
          String[] cells = line.split(",");
          if (cells.length > Math.max(missedColumn, coveredColumn)) {
            missed += Long.parseLong(cells[missedColumn].trim());
            covered += Long.parseLong(cells[coveredColumn].trim());
            any = true;
          }
        }
      } catch (IOException | NumberFormatException e) {
        // unreadable: counts nothing
      }
    }
    if (!any || covered + missed == 0) {
      return null;
    }
    return round(100.0 * covered / (covered + missed));
  }

  /** Files under {@code root} (at most {@code depth} deep, no hidden or dependency folders). */
  static List<Path> find(Path root, int depth, java.util.function.Predicate<Path> match) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root, depth)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !excluded(root.relativize(p)))
          .filter(match)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean excluded(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.equals("node_modules") || name.equals(".venv") || name.equals("venv")) {
        return true;
      }
    }
    return false;
  }

  static String read(Path file) {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_REPORT_BYTES) {
        return null;
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  private static double round(double value) {
    return Math.round(value * 100.0) / 100.0;
  }
}
