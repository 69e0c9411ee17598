package dev.pspstatus.spark;

import org.apache.spark.sql.api.java.UDF3;

/**
 * Spark UDF {@code (provider, surface, raw) -> string}: why the row is rejected, null when it
 * is classified. {@code with_classification(method="jvm")} calls it only where {@link
 * Classify} answered -1.
 */
public final class ClassifyReject implements UDF3<String, String, String, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String call(String provider, String surface, String raw) {
    return Answers.get(provider, surface, raw).reject;
  }
}
