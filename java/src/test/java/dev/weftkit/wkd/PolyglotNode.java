package dev.weftkit.wkd;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The Java node program of the four-language test (tests/polyglot/README.md):
 *
 * <pre>
 * polyglot-node.sh --name NAME --bind IP:PORT --lang LANG [--join IP:PORT]...
 * </pre>
 *
 * It prints one JSON object per line on stdout (ready, joined, member, user,
 * fired, left, error) and reads the commands "fire NAME PAYLOAD" and "leave"
 * from stdin; end of input closes the node and exits 0.
 */
public final class PolyglotNode {
  private static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);

  private PolyglotNode() {}

  public static void main(String[] args) {
    Node node = null;
    try {
      String name = null;
      String bind = null;
      String lang = null;
      List<String> seeds = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a);
        }
        switch (a) {
          case "--name":
            name = args[++i];
            break;
          case "--bind":
            bind = args[++i];
            break;
          case "--lang":
            lang = args[++i];
            break;
          case "--join":
            seeds.add(args[++i]);
            break;
          default:
            throw new IllegalArgumentException("unknown argument " + a);
        }
      }
      if (name == null || bind == null || lang == null) {
        throw new IllegalArgumentException("usage: --name NAME --bind IP:PORT --lang LANG [--join IP:PORT]...");
      }

      node = Node.builder().preset(Preset.LOCAL).name(name).bind(bind).build();
      node.register(Registration.builder()
          .databaseType(lang)
          .wireProtocol("polyglot")
          .endpoint(bind)
          .groups("polyglot", "lang-" + lang)
          .tag("lang", lang)
          .build());
      node.start();
      emit("{\"ev\":\"ready\",\"name\":" + quote(name) + ",\"addr\":" + quote(node.localAddress()) + "}");

      node.watchMembers(true, event -> {
        if (event instanceof MemberEvent m) {
          Member member = m.member();
          emit("{\"ev\":\"member\",\"type\":" + quote(m.type().cName()) + ",\"name\":" + quote(member.name())
              + ",\"state\":" + quote(member.state().cName()) + ",\"groups\":" + array(member.groups())
              + ",\"tags\":" + object(member.tags()) + "}");
        }
      });
      node.watchUserEvents(null, event -> {
        if (event instanceof UserEvent u) {
          emit("{\"ev\":\"user\",\"name\":" + quote(u.name()) + ",\"payload\":" + quote(u.payloadText()) + "}");
        }
      });

      if (!seeds.isEmpty()) {
        emit("{\"ev\":\"joined\",\"n\":" + joinWithRetry(node, seeds) + "}");
      }

      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.split(" ", 3);
        if (parts[0].equals("fire") && parts.length >= 2) {
          node.fireEvent(parts[1], parts.length == 3 ? parts[2] : "");
          emit("{\"ev\":\"fired\",\"name\":" + quote(parts[1]) + "}");
        } else if (parts[0].equals("leave") && parts.length == 1) {
          node.leave(Duration.ofSeconds(5));
          emit("{\"ev\":\"left\"}");
          node.close();
          System.exit(0);
        } else {
          throw new IllegalArgumentException("unknown command: " + line);
        }
      }
      node.close();
      System.exit(0);
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      emit("{\"ev\":\"error\",\"message\":" + quote(message) + "}");
      if (node != null) {
        node.close();
      }
      System.exit(1);
    }
  }

  /** Joins the seeds, retrying every 500 ms for up to 30 s; returns how many answered. */
  private static int joinWithRetry(Node node, List<String> seeds) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return node.join(seeds, Duration.ofSeconds(5));
      } catch (WkdClosedException e) {
        throw e;
      } catch (WkdException e) {
        if (System.nanoTime() + Duration.ofMillis(500).toNanos() >= deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private static void emit(String json) {
    synchronized (OUT) {
      OUT.print(json);
      OUT.print('\n');
      OUT.flush();
    }
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }

  private static String array(List<String> items) {
    StringBuilder b = new StringBuilder("[");
    for (Iterator<String> it = items.iterator(); it.hasNext(); ) {
      b.append(quote(it.next()));
      if (it.hasNext()) {
        b.append(',');
      }
    }
    return b.append(']').toString();
  }

  private static String object(Map<String, String> map) {
    StringBuilder b = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> e : map.entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
    }
    return b.append('}').toString();
  }
}
