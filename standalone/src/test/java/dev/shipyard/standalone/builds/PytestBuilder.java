package dev.shipyard.standalone.builds;

import dev.shipyard.activities.builds.BuildReport;
import dev.shipyard.activities.builds.ProjectBuilder;
import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.activities.sandbox.Ticker;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A test-only {@link ProjectBuilder} for Python projects until the sandbox's toolchain builder is
 * on main: {@code python3 -m pytest} as a real child process (no sandbox), its JUnit XML report
 * read back, the {@link Ticker} called every 200 ms; when the tick throws, the process tree is
 * killed (descendants first), reaped, and the tick's exception rethrown. No coverage: null.
 */
public final class PytestBuilder implements ProjectBuilder {

  static final String STEP = "Running tests";

  /** Debian's interpreter, whose packages (pytest, FastAPI, httpx) the projects' tests need. */
  static final String DEBIAN_PYTHON = "/usr/bin/python3";

  @Override
  public BuildReport build(Path workspace, StepProgress progress, Ticker ticker) {
    Path scratch = workspace.resolveSibling("scratch");
    Path log = scratch.resolve("build.log");
    Path report = scratch.resolve("junit.xml");
    try {
      Files.createDirectories(scratch);
      progress.report(STEP, 0, "python3 -m pytest");
      String python = Files.isExecutable(Path.of(DEBIAN_PYTHON)) ? DEBIAN_PYTHON : "python3";
      if (!python.startsWith("/") && !onPath(python)) {
        Files.writeString(log, "python3 not found on PATH\n");
        return new BuildReport(
            "python",
            List.of(new BuildReport.Step(STEP, "python3", false, "not_found", -1, 0)),
            0,
            0,
            List.of(),
            null,
            false,
            "python3 is not installed",
            log);
      }
      long started = System.currentTimeMillis();
      ProcessBuilder command =
          new ProcessBuilder(
                  python, "-m", "pytest", "-v", "-p", "no:cacheprovider", "--junitxml=" + report)
              .directory(workspace.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      Map<String, String> env = command.environment();
      env.put("HOME", scratch.toString());
      env.put("PYTHONDONTWRITEBYTECODE", "1");
      Process process = command.start();
      try {
        while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
          ticker.tick(STEP);
        }
      } catch (RuntimeException | InterruptedException e) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        throw (RuntimeException) e;
      }
      int exit = process.exitValue();
      long millis = System.currentTimeMillis() - started;
      int passed = 0;
      int failed = 0;
      List<String> names = new ArrayList<>();
      if (Files.isRegularFile(report)) {
        NodeList cases =
            DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(report.toFile())
                .getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
          Element testcase = (Element) cases.item(i);
          if (testcase.getElementsByTagName("skipped").getLength() > 0) {
            continue;
          }
          names.add(testcase.getAttribute("name"));
          if (testcase.getElementsByTagName("failure").getLength() > 0
              || testcase.getElementsByTagName("error").getLength() > 0) {
            failed++;
          } else {
            passed++;
          }
        }
      }
      progress.report(STEP, 100, passed + " passed, " + failed + " failed");
      return new BuildReport(
          "python",
          List.of(new BuildReport.Step(STEP, "python3", exit == 0, "exited", exit, millis)),
          passed,
          failed,
          names,
          null,
          true,
          "test-only builder: no dependency step (the worker's Debian packages)",
          log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
      throw new IllegalStateException("Unreadable JUnit report", e);
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
