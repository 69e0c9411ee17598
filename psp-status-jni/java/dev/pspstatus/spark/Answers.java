package dev.pspstatus.spark;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's answers for distinct inputs, kept for the life of the JVM.
 *
 * <p>A history holds a few thousand distinct (provider, surface, raw) combinations, so nearly
 * every row is a hash lookup here, not a call into the native library. At most {@link #LIMIT}
 * answers are kept; past that, inputs are answered by the library each time (same answers,
 * slower).
 */
final class Answers {
  static final int LIMIT = 1 << 18;

  private static final ConcurrentHashMap<Key, Answer> CACHE = new ConcurrentHashMap<>();

  private Answers() {}

  /** One answer: {@code packed} as psp-status-jni's {@code Answer}, the reject reason or null. */
  static final class Answer {
    final long packed;
    final String reject;

    Answer(long packed, String reject) {
      this.packed = packed;
      this.reject = reject;
    }
  }

  /** The inputs of one row: provider, then surface and raw of each signal. */
  private static final class Key {
    final String[] values;
    final int hash;

    Key(String[] values) {
      this.values = values;
      this.hash = Arrays.hashCode(values);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && Arrays.equals(values, ((Key) o).values);
    }
  }

  /** The answer for {@code values}: provider, then (surface, raw) per signal. */
  static Answer get(String... values) {
    Key key = new Key(values);
    Answer a = CACHE.get(key);
    if (a == null) {
      a = compute(values);
      if (CACHE.size() < LIMIT) {
        CACHE.putIfAbsent(key, a);
      }
    }
    return a;
  }

  private static Answer compute(String[] values) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    for (String v : values) {
      byte[] b = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
      len.clear();
      len.putInt(b == null ? -1 : b.length);
      frame.write(len.array(), 0, 4);
      if (b != null) {
        frame.write(b, 0, b.length);
      }
    }
    byte[] out = Native.classify(frame.toByteArray());
    long packed = ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String reject = packed < 0 ? new String(out, 8, out.length - 8, StandardCharsets.UTF_8) : null;
    return new Answer(packed, reject);
  }
}
