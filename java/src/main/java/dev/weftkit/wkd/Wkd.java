package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.NativeLoader;
import dev.weftkit.wkd.jni.WkdNative;

/** Library-wide information: versions, the native library, option descriptions. */
public final class Wkd {
  private Wkd() {}

  /** The version of the loaded library, "MAJOR.MINOR.PATCH" (wkd_version_string). */
  public static String version() {
    return WkdNative.wkd_version_string();
  }

  /** MAJOR * 1000000 + MINOR * 1000 + PATCH of the loaded library (wkd_version_number). */
  public static long versionNumber() {
    return WkdNative.wkd_version_number();
  }

  /** Where libwkd_jni was loaded from: "java.library.path" or "jar:/native/...". */
  public static String nativeLibrary() {
    WkdNative.wkd_version_number(); // loads it
    return NativeLoader.source();
  }

  /**
   * Describes a configuration option by name: type, bounds, version.
   *
   * @throws WkdNotFoundException no option has that name (the C message names it)
   */
  public static OptionInfo describeOption(String name) {
    return Native.describe(Native.optionId(name));
  }

  /** Prints the library version and where the native library came from. */
  public static void main(String[] args) {
    System.out.println("wkd " + version() + " (native: " + nativeLibrary() + ")");
  }
}
