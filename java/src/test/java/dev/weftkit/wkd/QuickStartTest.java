package dev.weftkit.wkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** README.md's quick start is QuickStart.java, and it runs. */
class QuickStartTest {
  private static final Path SOURCE = Path.of("src/test/java/dev/weftkit/wkd/QuickStart.java");

  private static Path readme() {
    return Path.of(System.getProperty("wkd.test.readme", "README.md"));
  }

  /** The first ```java block after the "## Quick start" heading. */
  static String quickStartBlock(List<String> readme) {
    int i = readme.indexOf("## Quick start");
    assertTrue(i >= 0, "README.md has no '## Quick start' section");
    while (!readme.get(i).equals("```java")) {
      i++;
    }
    StringBuilder b = new StringBuilder();
    for (i++; !readme.get(i).equals("```"); i++) {
      b.append(readme.get(i)).append('\n');
    }
    return b.toString();
  }

  @Test
  void readmeQuotesQuickStartJava() throws Exception {
    String block = quickStartBlock(Files.readAllLines(readme(), StandardCharsets.UTF_8));
    String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
    // The README shows the class without its package line.
    String body = source.substring(source.indexOf('\n', source.indexOf("package ")) + 1).stripLeading();
    assertEquals(body, block);
  }

  @Test
  void quickStartRuns() throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[0]);
    } finally {
      System.setOut(saved);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    saved.print(out);
    assertTrue(out.contains("db-1 serves postgres at 127.0.0.1:5432 in zone a"), out);
    assertTrue(out.contains("postgres members: 1"), out);
    assertTrue(out.contains("seed got: from db-1"), out);
  }
}
