package dev.weftkit.wkd.jni;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads libwkd_jni, the JNI library with libwkd linked in. Internal to the
 * binding: the generated {@code WkdNativeJNI} class calls {@link #load()}
 * from its static initialiser.
 *
 * <p>The library is looked up on {@code java.library.path} first; when it is
 * not there, the copy packaged in the jar under
 * {@code /native/<os>-<arch>/libwkd_jni.so} is extracted to a temporary file,
 * loaded and deleted again (Linux keeps a loaded file mapped).
 */
public final class NativeLoader {
  private static final String LIBRARY = "wkd_jni";
  private static volatile String source;

  private NativeLoader() {}

  /** Loads the library once; later calls return at once. */
  public static synchronized void load() {
    if (source != null) {
      return;
    }
    String from;
    try {
      System.loadLibrary(LIBRARY);
      from = "java.library.path";
    } catch (UnsatisfiedLinkError onPath) {
      String resource = "/native/" + platform() + "/" + System.mapLibraryName(LIBRARY);
      try {
        from = extractAndLoad(resource);
      } catch (IOException | UnsatisfiedLinkError fromJar) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(
            "cannot load " + System.mapLibraryName(LIBRARY) + ": not on java.library.path ("
                + onPath.getMessage() + ") and " + resource + " not loadable: " + fromJar.getMessage());
        e.addSuppressed(fromJar);
        throw e;
      }
    }
    long number = WkdNativeJNI.wkd_version_number();
    if (number / 1_000_000 != WkdNativeConstants.WKD_VERSION_MAJOR) {
      throw new UnsatisfiedLinkError("libwkd " + WkdNativeJNI.wkd_version_string()
          + " loaded, but this binding was built for major version " + WkdNativeConstants.WKD_VERSION_MAJOR);
    }
    source = from;
  }

  /**
   * Where the library was loaded from: {@code "java.library.path"} or
   * {@code "jar:/native/..."}; null before it is loaded.
   */
  public static String source() {
    return source;
  }

  /** The resource directory name of this platform, e.g. "linux-x86_64". */
  public static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o = os.startsWith("linux") ? "linux" : os.replaceAll("[^a-z0-9]", "");
    String a;
    switch (arch) {
      case "amd64":
      case "x86_64":
        a = "x86_64";
        break;
      case "aarch64":
      case "arm64":
        a = "aarch64";
        break;
      default:
        a = arch;
    }
    return o + "-" + a;
  }

  private static String extractAndLoad(String resource) throws IOException {
    try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("resource not found");
      }
      Path dir = Files.createTempDirectory("wkd-jni");
      Path file = dir.resolve(System.mapLibraryName(LIBRARY));
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toAbsolutePath().toString());
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
      return "jar:" + resource;
    }
  }
}
