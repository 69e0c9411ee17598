package dev.pspstatus.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The psp-status engine in this JVM: the native library (psp-status-jni, Rust) the jar carries.
 *
 * <p>It is loaded from the jar (copied to a temporary file once per JVM), or from the path in
 * the system property {@code psp_status.jni} when set. Example, from PySpark's driver:
 * {@code spark._jvm.dev.pspstatus.spark.Native.tables()}.
 */
public final class Native {
  /** Where the jar keeps the library (scripts/build-jvm puts it there). */
  static final String RESOURCE = "/dev/pspstatus/spark/native/libpsp_status_jni.so";

  static {
    String path = System.getProperty("psp_status.jni");
    if (path != null) {
      System.load(path);
    } else {
      System.load(extract().toString());
    }
  }

  private Native() {}

  private static Path extract() {
    try (InputStream in = Native.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new UnsatisfiedLinkError(
            "psp-status-spark.jar has no " + RESOURCE + " (build it with scripts/build-jvm)");
      }
      Path tmp = Files.createTempFile("psp_status_jni", ".so");
      tmp.toFile().deleteOnExit();
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException("psp-status: could not unpack the native library", e);
    }
  }

  /** The answer for one frame: see psp-status-jni's {@code answer} and {@code encode}. */
  static native byte[] classify(byte[] frame);

  static native byte[] taxonomy();

  static native byte[] tables();

  /**
   * The table version and digest the native library was built with, e.g. {@code
   * ["2026.12.01.4", "560a…"]}.
   */
  public static String[] tableVersionAndDigest() {
    return new String(tables(), StandardCharsets.UTF_8).split("\n", -1);
  }

  /**
   * The names the packed answers index: states, codes, operations and matched kinds, in that
   * order.
   */
  public static String[][] names() {
    String[] lines = new String(taxonomy(), StandardCharsets.UTF_8).split("\n", -1);
    String[][] out = new String[lines.length][];
    for (int i = 0; i < lines.length; i++) {
      out[i] = lines[i].split(",", -1);
    }
    return out;
  }
}
