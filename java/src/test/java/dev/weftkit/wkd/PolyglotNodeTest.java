package dev.weftkit.wkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weftkit.wkd.TestSupport.Inbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** java/polyglot-node.sh, driven the way tests/polyglot drives it, and where the library is loaded from. */
class PolyglotNodeTest {
  private static final Path SCRIPT = Path.of("polyglot-node.sh").toAbsolutePath();
  private final List<Process> processes = new ArrayList<>();

  /** A running node program: its stdin and the JSON objects it printed. */
  private final class Program {
    final Process process;
    final Writer stdin;
    final Inbox<Map<String, Object>> lines = new Inbox<>();

    Program(String... args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
      process = pb.start();
      processes.add(process);
      stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(Json.object(line)); // every line must be one JSON object
          }
        } catch (IOException | RuntimeException e) {
          lines.add(Map.of("ev", "test-error", "message", String.valueOf(e)));
        }
      }, "polyglot-reader");
      reader.setDaemon(true);
      reader.start();
    }

    Map<String, Object> await(String what, String ev) throws InterruptedException {
      return lines.take(what, m -> {
        assertTrue(!"error".equals(m.get("ev")) && !"test-error".equals(m.get("ev")), "program failed: " + m);
        return ev.equals(m.get("ev"));
      });
    }

    Map<String, Object> awaitMember(String name, String type) throws InterruptedException {
      return lines.take(name + " " + type, m -> {
        assertTrue(!"error".equals(m.get("ev")), "program failed: " + m);
        return "member".equals(m.get("ev")) && name.equals(m.get("name")) && type.equals(m.get("type"));
      });
    }

    void send(String command) throws IOException {
      stdin.write(command + "\n");
      stdin.flush();
    }

    int exitCode() throws InterruptedException {
      assertTrue(process.waitFor(TestSupport.DEADLINE.toSeconds(), TimeUnit.SECONDS), "program did not exit");
      return process.exitValue();
    }
  }

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  /**
   * An address "127.0.0.N:PORT" with N in 2..254 and a port that was free a
   * moment ago (the endpoint the program advertises must have a real port).
   */
  private static String freeAddress() throws IOException {
    String ip = "127.0.0." + (2 + ThreadLocalRandom.current().nextInt(253));
    try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return ip + ":" + tcp.getLocalPort();
    }
  }

  @Test
  void twoJavaNodesSeeEachOtherExchangeEventsAndExit() throws Exception {
    String bindA = freeAddress();
    Program a = new Program("--name", "java-a", "--bind", bindA, "--lang", "java");
    Map<String, Object> readyA = a.await("java-a ready", "ready");
    assertEquals("java-a", readyA.get("name"));
    String addrA = (String) readyA.get("addr");
    assertEquals(bindA, addrA);

    String bindB = freeAddress();
    Program b = new Program("--name", "java-b", "--bind", bindB, "--lang", "java", "--join", addrA);
    b.await("java-b ready", "ready");
    assertEquals(1L, b.await("java-b joined", "joined").get("n"));

    Map<String, Object> seenByA = a.awaitMember("java-b", "member-joined");
    assertEquals("alive", seenByA.get("state"));
    assertEquals(List.of("polyglot", "lang-java"), seenByA.get("groups"));
    @SuppressWarnings("unchecked")
    Map<String, Object> tags = (Map<String, Object>) seenByA.get("tags");
    assertEquals("java", tags.get("lang"));
    assertEquals("java", tags.get("db"));
    assertEquals("polyglot", tags.get("wire"));
    assertEquals(bindB, tags.get("endpoint"));
    b.awaitMember("java-a", "member-joined");

    b.send("fire greet hello from b");
    assertEquals("greet", b.await("fired", "fired").get("name"));
    Map<String, Object> user = a.await("user event on java-a", "user");
    assertEquals("greet", user.get("name"));
    assertEquals("hello from b", user.get("payload"));

    a.stdin.close(); // end of input: close without leaving, exit 0
    assertEquals(0, a.exitCode());
    b.awaitMember("java-a", "member-failed");

    b.send("leave");
    b.await("left", "left");
    assertEquals(0, b.exitCode());
  }

  @Test
  void badArgumentsPrintAnErrorAndExit1() throws Exception {
    Program p = new Program("--name", "bad", "--bind", "not-an-address", "--lang", "java");
    Map<String, Object> error = p.lines.take("error line", m -> true);
    assertEquals("error", error.get("ev"));
    assertTrue(((String) error.get("message")).contains("bind_addr"), error.toString());
    assertEquals(1, p.exitCode());
  }

  private String runWkdMain(String libraryPath) throws Exception {
    String cp = System.getProperty("java.class.path");
    String java = System.getProperty("wkd.test.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = new ProcessBuilder(java, "-Djava.library.path=" + libraryPath, "-cp", cp, "dev.weftkit.wkd.Wkd")
        .redirectErrorStream(true).start();
    processes.add(p);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(TestSupport.DEADLINE.toSeconds(), TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out.trim();
  }

  @Test
  void nativeLibraryFromLibraryPathOrFromTheJarResource() throws Exception {
    String nativeDir = System.getProperty("wkd.test.native.dir");
    String platformDir = Path.of(nativeDir, dev.weftkit.wkd.jni.NativeLoader.platform()).toString();
    assertEquals("wkd " + Wkd.version() + " (native: java.library.path)", runWkdMain(platformDir));
    assertEquals("wkd " + Wkd.version() + " (native: jar:/native/" + dev.weftkit.wkd.jni.NativeLoader.platform()
        + "/libwkd_jni.so)", runWkdMain("/nonexistent"));
  }
}
