package dev.pspstatus.spark;

import org.apache.spark.sql.api.java.UDF3;
import scala.collection.Seq;

/**
 * Spark UDF {@code (provider, array<string> surfaces, array<string> raws) -> string}: why the
 * row is rejected, null when {@link Resolve} classified it.
 */
public final class ResolveReject implements UDF3<String, Seq<String>, Seq<String>, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String call(String provider, Seq<String> surfaces, Seq<String> raws) {
    return Answers.get(Resolve.values(provider, surfaces, raws)).reject;
  }
}
