package dev.shipyard.activities.capsules;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.storage.BlobStore;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Full validation reports in object storage, content-addressed ({@code reports/sha256/<hex>.json}):
 * workflows carry only their key and a bounded summary.
 */
final class ValidationReports {

  private final BlobStore blobs;
  private final ObjectMapper json = new ObjectMapper();

  ValidationReports(BlobStore blobs) {
    this.blobs = blobs;
  }

  String save(ValidationReport report) {
    try {
      byte[] bytes = json.writeValueAsBytes(report);
      String key = "reports/sha256/" + ProjectFiles.sha256(bytes) + ".json";
      blobs.putIfAbsent(key, bytes, "application/json");
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ValidationReport load(String key) {
    byte[] bytes =
        blobs.get(key).orElseThrow(() -> new IllegalStateException("Missing report " + key));
    try {
      return json.readValue(bytes, ValidationReport.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
