package dev.pspstatus.spark;

import org.apache.spark.sql.api.java.UDF3;

/**
 * Spark UDF {@code (provider, surface, raw) -> bigint}: the engine's answer, packed (see
 * psp-status-jni's {@code Answer}); -1 for a rejected row. Registered by {@code
 * psp_status.spark.with_classification(df, method="jvm")}, which turns it into the five
 * columns; by hand: {@code spark.udf.registerJavaFunction("psp_classify_packed",
 * "dev.pspstatus.spark.Classify", LongType())}.
 */
public final class Classify implements UDF3<String, String, String, Long> {
  private static final long serialVersionUID = 1L;

  @Override
  public Long call(String provider, String surface, String raw) {
    return Answers.get(provider, surface, raw).packed;
  }
}
