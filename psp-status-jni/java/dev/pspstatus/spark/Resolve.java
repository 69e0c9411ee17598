package dev.pspstatus.spark;

import org.apache.spark.sql.api.java.UDF3;
import scala.collection.Seq;

/**
 * Spark UDF {@code (provider, array<string> surfaces, array<string> raws) -> bigint}: the
 * engine's answer for several signals of one row, resolved by precedence, packed as {@link
 * Classify}'s; -1 for a rejected row.
 */
public final class Resolve implements UDF3<String, Seq<String>, Seq<String>, Long> {
  private static final long serialVersionUID = 1L;

  @Override
  public Long call(String provider, Seq<String> surfaces, Seq<String> raws) {
    return Answers.get(Resolve.values(provider, surfaces, raws)).packed;
  }

  static String[] values(String provider, Seq<String> surfaces, Seq<String> raws) {
    int n = surfaces.length();
    if (raws.length() != n) {
      throw new IllegalArgumentException("psp-status: " + n + " surfaces, " + raws.length() + " raws");
    }
    String[] v = new String[1 + 2 * n];
    v[0] = provider;
    for (int i = 0; i < n; i++) {
      v[1 + 2 * i] = surfaces.apply(i);
      v[2 + 2 * i] = raws.apply(i);
    }
    return v;
  }
}
