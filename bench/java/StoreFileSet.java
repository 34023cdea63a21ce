import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.ContentAddress;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.storage.S3BlobStore;
import dev.shipyard.storage.S3Clients;
import dev.shipyard.storage.S3Settings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * bench/capsule-stream.sh: stores every regular file under a directory as the platform stores a
 * capsule's files (content-addressed blobs through the BlobStore, then the FileManifest under its
 * digest) and prints "digest manifest_key file_count total_bytes".
 *
 * <p>Usage: java -cp <platform classes> StoreFileSet.java endpoint bucket access secret dir
 */
public class StoreFileSet {
  public static void main(String[] args) throws Exception {
    S3Settings settings = new S3Settings(args[0], "us-east-1", args[1], args[2], args[3], true, 8);
    Path root = Path.of(args[4]);
    try (S3Client s3 = S3Clients.sync(settings)) {
      BlobStore blobs = new S3BlobStore(s3, settings);
      List<FileManifest.Entry> entries = new ArrayList<>();
      List<Path> files;
      try (Stream<Path> walk = Files.walk(root)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          ContentAddress a = blobs.putContentAddressed(in, "application/octet-stream");
          entries.add(
              new FileManifest.Entry(root.relativize(file).toString(), a.sha256(), a.size()));
        }
      }
      FileManifest manifest = FileManifest.of(entries);
      String key = manifest.store(blobs);
      System.out.println(
          manifest.digest() + " " + key + " " + entries.size() + " " + manifest.totalBytes());
    }
  }
}
