package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.capsules.CapsuleVersionRows;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.StoredCapsules;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.capsules.FileSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Capsule versions through HTTP on the real platform (PostgreSQL, s3proxy): a DAG of versions made
 * from real content, history along a branch, branches, tags, diffs; every refusal (hostile paths,
 * mismatched declarations, stale parents, viewers) stores nothing.
 */
@ExtendWith(LocalPlatformExtension.class)
class CapsuleVersionsApiTest {

  private static final ParameterizedTypeReference<Map<String, Object>> MAP =
      new ParameterizedTypeReference<>() {};

  /** The content of each change made by {@link #change}, by identity. */
  private static final Map<Map<String, Object>, String> CONTENTS =
      Collections.synchronizedMap(new IdentityHashMap<>());

  private static final List<SourceFile> FILES =
      List.of(
          new SourceFile("README.md", "# demo\n"),
          new SourceFile("src/app.py", "import os\n\nprint(1)\nprint('end')\n"),
          new SourceFile("src/lib/util.py", "def f():\n    return 1\n"));

  @Test
  @SuppressWarnings("unchecked")
  void linearHistoryBranchesTagsAndDiffs(WebTestClient api, LocalPlatform platform) {
    Account owner = Accounts.register(api, "versions");
    String capsule = capsule(platform, owner, "versions");
    String v1 = head(platform, capsule, "main");
    int blobsBefore = count(platform, "blobs/");

    // v2 on main: one modified, one added, one deleted.
    Map<String, Object> v2 =
        create(
            api,
            owner,
            capsule,
            Map.of(
                "author",
                "john.doe@company.com",
                "message",
                "Added util and changed the app",
                "parent_version",
                v1,
                "changes",
                List.of(
                    change("src/app.py", "modified", "import os\n\nprint(2)\nprint('end')\n"),
                    change("src/new.py", "added", "x = 1\n"),
                    Map.of("path", "README.md", "type", "deleted")),
                "files",
                List.of(
                    file("src/app.py", "import os\n\nprint(2)\nprint('end')\n"),
                    Map.of(
                        "path",
                        "src/new.py",
                        "content",
                        Base64.getEncoder().encodeToString("x = 1\n".getBytes()),
                        "encoding",
                        "base64"))),
            201);
    assertThat(v2)
        .containsEntry("capsule_id", capsule)
        .containsEntry("version_number", 2)
        .containsEntry("parent_version", v1)
        .containsEntry("author", "john.doe@company.com")
        .containsEntry("message", "Added util and changed the app")
        .containsEntry("changes_count", 3)
        .containsEntry("branch", "main")
        .containsEntry("file_count", 3)
        .containsKey("timestamp");
    String v2id = (String) v2.get("version_id");
    // The stored manifest is the one the response names, and holds exactly the new file set.
    FileManifest m2 = manifest(platform, (String) v2.get("manifest_digest"));
    assertThat(m2.paths()).containsExactly("src/app.py", "src/lib/util.py", "src/new.py");
    assertThat(blob(platform, m2, "src/new.py")).isEqualTo("x = 1\n");
    // Unchanged files are stored once: two new contents, two new blobs; util.py is the same blob.
    assertThat(count(platform, "blobs/")).isEqualTo(blobsBefore + 2);
    FileManifest m1 = manifest(platform, digestOf(platform, v1));
    assertThat(entry(m2, "src/lib/util.py")).isEqualTo(entry(m1, "src/lib/util.py"));
    // main moved, and the capsule row follows it.
    assertThat(head(platform, capsule, "main")).isEqualTo(v2id);
    assertThat(
            Json.call(api, HttpMethod.GET, "/capsule/" + capsule, owner.accessToken(), null, 200))
        .containsEntry("file_count", 3);

    // v3 on main.
    String v3 =
        (String)
            create(
                    api,
                    owner,
                    capsule,
                    body(v2id, null, List.of(change("src/new.py", "modified", "x = 2\n"))),
                    201)
                .get("version_id");

    // A stale parent (v1, or v2 again): 409 and nothing stored in PostgreSQL.
    int rows = versionRows(platform, capsule);
    Map<String, Object> stale =
        create(
            api,
            owner,
            capsule,
            body(v2id, null, List.of(change("src/new.py", "modified", "x = 3\n"))),
            409);
    assertThat(stale).containsEntry("error_code", "STALE_PARENT").containsKey("request_id");
    assertThat((String) stale.get("detail")).contains(v3);
    assertThat(versionRows(platform, capsule)).isEqualTo(rows);
    assertThat(head(platform, capsule, "main")).isEqualTo(v3);

    // Tags: 201, then 409 for the same name; git's rules for names.
    Map<String, Object> tag =
        Json.call(
            api,
            HttpMethod.POST,
            "/capsule/" + capsule + "/tag?version_id=" + v1 + "&tag=v1.0.0&author=system",
            owner.accessToken(),
            null,
            201);
    assertThat(tag)
        .containsEntry("tag", "v1.0.0")
        .containsEntry("version_id", v1)
        .containsEntry("version_number", 1)
        .containsEntry("author", "system");
    tag(api, owner, capsule, v1, "initial", 201);
    tag(api, owner, capsule, v3, "v1.1.0", 201);
    assertThat(tag(api, owner, capsule, v2id, "v1.0.0", 409))
        .containsEntry("error_code", "TAG_EXISTS");
    for (String bad :
        List.of("bad..name", "v1.lock", ".hidden", "a b", "x~1", "end.", "@", "a//b")) {
      assertThat(tag(api, owner, capsule, v1, bad, 422))
          .as(bad)
          .containsEntry("error_code", "VALIDATION_ERROR");
    }
    assertThat(tag(api, owner, capsule, "ver-nope", "v9", 404))
        .containsEntry("error_code", "VERSION_NOT_FOUND");

    // History of main: newest first, with tags, parents and the total.
    Map<String, Object> history =
        Json.call(
            api,
            HttpMethod.GET,
            "/capsule/" + capsule + "/history?branch=main&limit=50",
            owner.accessToken(),
            null,
            200);
    assertThat(history)
        .containsEntry("capsule_id", capsule)
        .containsEntry("branch", "main")
        .containsEntry("total_versions", 3);
    List<Map<String, Object>> versions = (List<Map<String, Object>>) history.get("versions");
    assertThat(versions).extracting(v -> v.get("version_id")).containsExactly(v3, v2id, v1);
    assertThat(versions).extracting(v -> v.get("version_number")).containsExactly(3, 2, 1);
    assertThat(versions).extracting(v -> v.get("parent_version")).containsExactly(v2id, v1, null);
    assertThat(versions.get(0).get("tags")).isEqualTo(List.of("v1.1.0"));
    assertThat(versions.get(2))
        .containsEntry("author", "system")
        .containsEntry("message", "Initial version")
        .containsEntry("tags", List.of("v1.0.0", "initial"));
    Map<String, Object> limited =
        Json.call(
            api,
            HttpMethod.GET,
            "/capsule/" + capsule + "/history?limit=1",
            owner.accessToken(),
            null,
            200);
    assertThat((List<?>) limited.get("versions")).hasSize(1);
    assertThat(limited).containsEntry("total_versions", 3);

    // A branch from the old version 1: 201; 409 when it exists; 404 for an unknown from_version.
    Map<String, Object> branch =
        Json.call(
            api,
            HttpMethod.POST,
            "/capsule/" + capsule + "/branch",
            owner.accessToken(),
            Map.of("branch_name", "feature/auth", "from_version", v1, "author", "jane"),
            201);
    assertThat(branch)
        .containsEntry("branch_name", "feature/auth")
        .containsEntry("from_version", v1)
        .containsEntry("head_version", v1);
    assertThat(
            Json.call(
                api,
                HttpMethod.POST,
                "/capsule/" + capsule + "/branch",
                owner.accessToken(),
                Map.of("branch_name", "feature/auth", "from_version", v3),
                409))
        .containsEntry("error_code", "BRANCH_EXISTS");
    assertThat(
            Json.call(
                api,
                HttpMethod.POST,
                "/capsule/" + capsule + "/branch",
                owner.accessToken(),
                Map.of("branch_name", "feature/other", "from_version", "ver-unknown"),
                404))
        .containsEntry("error_code", "VERSION_NOT_FOUND");
    Json.call(
        api,
        HttpMethod.POST,
        "/capsule/" + capsule + "/branch",
        owner.accessToken(),
        Map.of("branch_name", "feature/.hidden"),
        422);
    // from_version defaults to the head of main.
    assertThat(
            Json.call(
                api,
                HttpMethod.POST,
                "/capsule/" + capsule + "/branch",
                owner.accessToken(),
                Map.of("branch_name", "release"),
                201))
        .containsEntry("from_version", v3);

    // A version on the branch: its parent is the branch's head (v1), main does not move.
    Map<String, Object> onBranch =
        create(
            api,
            owner,
            capsule,
            body(
                v1,
                "feature/auth",
                List.of(change("src/auth.py", "added", "def login():\n    pass\n"))),
            201);
    String v4 = (String) onBranch.get("version_id");
    assertThat(onBranch).containsEntry("version_number", 4).containsEntry("branch", "feature/auth");
    assertThat(head(platform, capsule, "main")).isEqualTo(v3);
    Map<String, Object> branchHistory =
        Json.call(
            api,
            HttpMethod.GET,
            "/capsule/" + capsule + "/history?branch=feature/auth",
            owner.accessToken(),
            null,
            200);
    assertThat(branchHistory).containsEntry("total_versions", 2);
    assertThat((List<Map<String, Object>>) branchHistory.get("versions"))
        .extracting(v -> v.get("version_id"))
        .containsExactly(v4, v1);
    // v3 is not the head of the branch: a version with it as parent there is stale.
    assertThat(
            create(
                api,
                owner,
                capsule,
                body(v3, "feature/auth", List.of(change("src/b.py", "added", "b\n"))),
                409))
        .containsEntry("error_code", "STALE_PARENT");
    assertThat(
            Json.call(
                api,
                HttpMethod.GET,
                "/capsule/" + capsule + "/history?branch=nope",
                owner.accessToken(),
                null,
                404))
        .containsEntry("error_code", "BRANCH_NOT_FOUND");
    assertThat(
            create(
                api,
                owner,
                capsule,
                body(v1, "nope", List.of(change("src/b.py", "added", "b\n"))),
                404))
        .containsEntry("error_code", "BRANCH_NOT_FOUND");

    // Diff v1 -> v3: added, modified (with a unified diff), deleted; the unchanged file omitted.
    Map<String, Object> diff =
        Json.call(
            api,
            HttpMethod.GET,
            "/capsule/" + capsule + "/diff?from=" + v1 + "&to=" + v3,
            owner.accessToken(),
            null,
            200);
    assertThat(diff).containsEntry("from", v1).containsEntry("to", v3);
    assertThat((Map<String, Object>) diff.get("summary"))
        .containsEntry("added", 1)
        .containsEntry("modified", 1)
        .containsEntry("deleted", 1)
        .containsEntry("unchanged", 1);
    Map<String, Map<String, Object>> byPath = new HashMap<>();
    ((List<Map<String, Object>>) diff.get("files"))
        .forEach(f -> byPath.put((String) f.get("path"), f));
    assertThat(byPath).containsOnlyKeys("README.md", "src/app.py", "src/new.py");
    assertThat(byPath.get("README.md"))
        .containsEntry("status", "deleted")
        .containsEntry("old_size", 7)
        .containsEntry("new_size", null);
    assertThat(byPath.get("src/new.py"))
        .containsEntry("status", "added")
        .containsEntry("new_size", 6);
    assertThat((String) byPath.get("src/new.py").get("diff")).contains("+x = 2");
    Map<String, Object> app = byPath.get("src/app.py");
    assertThat(app).containsEntry("status", "modified").containsEntry("diff_omitted", null);
    assertThat((String) app.get("diff"))
        .contains("--- a/src/app.py", "+++ b/src/app.py", "-print(1)", "+print(2)", " import os");
    // Binary content: listed with sizes, the diff omitted with the reason.
    String v5 =
        (String)
            create(
                    api,
                    owner,
                    capsule,
                    Map.of(
                        "parent_version",
                        v3,
                        "changes",
                        List.of(Map.of("path", "logo.bin", "type", "added", "size", 4)),
                        "files",
                        List.of(
                            Map.of(
                                "path",
                                "logo.bin",
                                "encoding",
                                "base64",
                                "content",
                                Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, 3})))),
                    201)
                .get("version_id");
    Map<String, Object> binary =
        (Map<String, Object>)
            ((List<?>)
                    Json.call(
                            api,
                            HttpMethod.GET,
                            "/capsule/" + capsule + "/diff?from=" + v3 + "&to=" + v5,
                            owner.accessToken(),
                            null,
                            200)
                        .get("files"))
                .get(0);
    assertThat(binary)
        .containsEntry("path", "logo.bin")
        .containsEntry("diff", null)
        .containsEntry("diff_omitted", "binary (not UTF-8 text)");
    Json.call(
        api,
        HttpMethod.GET,
        "/capsule/" + capsule + "/diff?from=ver-missing",
        owner.accessToken(),
        null,
        404);

    // version.created recorded for webhooks: one outbox row per version made here.
    JdbcTemplate jdbc = jdbc(platform);
    assertThat(
            jdbc.queryForList(
                "SELECT version_id FROM capsule_events WHERE capsule_id = ?"
                    + " AND event = 'version.created' ORDER BY created_at",
                String.class,
                capsule))
        .containsExactlyInAnyOrder(v2id, v3, v4, v5);
    assertThat(
            jdbc.queryForObject(
                "SELECT payload->>'parent_version' FROM capsule_events WHERE version_id = ?",
                String.class,
                v4))
        .isEqualTo(v1);

    // Another user: everything is 404.
    Account stranger = Accounts.register(api, "vstranger");
    Json.call(
        api, HttpMethod.GET, "/capsule/" + capsule + "/history", stranger.accessToken(), null, 404);
    assertThat(
            create(
                api,
                stranger,
                capsule,
                body(v5, null, List.of(change("x.txt", "added", "x"))),
                404))
        .containsEntry("error_code", "CAPSULE_NOT_FOUND");
    tag(api, stranger, capsule, v1, "mine", 404);
  }

  @Test
  void aConcurrentCreateOnTheSameParentLosesWith409(WebTestClient api, LocalPlatform platform)
      throws Exception {
    Account owner = Accounts.register(api, "vrace");
    String capsule = capsule(platform, owner, "vrace");
    String v1 = head(platform, capsule, "main");
    CyclicBarrier start = new CyclicBarrier(2);
    List<CompletableFuture<Integer>> racers = new ArrayList<>();
    for (String content : List.of("a\n", "b\n")) {
      racers.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  start.await();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                return api.post()
                    .uri("/capsule/" + capsule + "/version")
                    .headers(h -> h.setBearerAuth(owner.accessToken()))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(
                        Map.of(
                            "parent_version",
                            v1,
                            "changes",
                            List.of(change("race.txt", "added", content)),
                            "files",
                            List.of(file("race.txt", content))))
                    .exchange()
                    .returnResult(String.class)
                    .getStatus()
                    .value();
              }));
    }
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<Integer> r : racers) {
      statuses.add(r.get());
    }
    assertThat(statuses).containsExactlyInAnyOrder(201, 409);
    assertThat(versionRows(platform, capsule)).isEqualTo(2);
  }

  @Test
  @SuppressWarnings("unchecked")
  void hostilePathsAre400AndStoreNothing(WebTestClient api, LocalPlatform platform) {
    Account owner = Accounts.register(api, "vhostile");
    String capsule = capsule(platform, owner, "vhostile");
    String v1 = head(platform, capsule, "main");
    Map<String, String> hostile = new LinkedHashMap<>();
    hostile.put("../../etc/passwd", "'..' segments");
    hostile.put("src/../../x", "'..' segments");
    hostile.put("/etc/passwd", "absolute");
    hostile.put("src\\app.py", "backslash");
    hostile.put("a\u0000b", "NUL");
    hostile.put("a\nb", "control character");
    hostile.put("x".repeat(4097), "longer than 4096 bytes");
    hostile.put("a//b", "empty path segment");
    hostile.put("src/", "empty path segment");
    hostile.put("./src/x.py", "'.' segments");
    hostile.put("", "a path is required");
    hostile.forEach(
        (path, reason) -> {
          String content = "hostile " + path.length() + " " + System.nanoTime() + "\n";
          refusedAndNothingStored(
              api,
              platform,
              owner,
              capsule,
              body(v1, null, List.of(change(path, "added", content))),
              content,
              400,
              reason);
          // The same path only in files (declared elsewhere): 400 too.
          refusedAndNothingStored(
              api,
              platform,
              owner,
              capsule,
              Map.of(
                  "parent_version",
                  v1,
                  "changes",
                  List.of(change("ok.txt", "added", content)),
                  "files",
                  List.of(file("ok.txt", content), file(path, content))),
              content,
              400,
              reason);
        });
    // A file and a directory with the same name in the resulting set (both ways).
    String content = "clash " + System.nanoTime();
    refusedAndNothingStored(
        api,
        platform,
        owner,
        capsule,
        body(v1, null, List.of(change("src/app.py/inner.py", "added", content))),
        content,
        400,
        "'src/app.py' would be both a file and a directory");
    refusedAndNothingStored(
        api,
        platform,
        owner,
        capsule,
        body(v1, null, List.of(change("src", "added", content))),
        content,
        400,
        "'src' would be both a file and a directory");
    // A branch name git would refuse.
    Map<String, Object> badBranch =
        create(
            api,
            owner,
            capsule,
            body(v1, "feature..x", List.of(change("ok.txt", "added", "ok"))),
            422);
    assertThat(badBranch).containsEntry("error_code", "VALIDATION_ERROR");
  }

  @Test
  void mismatchedDeclarationsAre422NamingTheMismatch(WebTestClient api, LocalPlatform platform) {
    Account owner = Accounts.register(api, "vmismatch");
    String capsule = capsule(platform, owner, "vmismatch");
    String v1 = head(platform, capsule, "main");
    String c = "mismatch " + System.nanoTime() + "\n";
    // A file sent but not declared.
    assertThat(
            refusedAndNothingStored(
                api,
                platform,
                owner,
                capsule,
                Map.of(
                    "parent_version",
                    v1,
                    "changes",
                    List.of(change("a.txt", "added", "a")),
                    "files",
                    List.of(file("a.txt", "a"), file("extra.txt", c))),
                c,
                422,
                "extra.txt"))
        .contains("extra.txt", "not declared");
    // A declared added file without content.
    assertThat(
            refusedAndNothingStored(
                api,
                platform,
                owner,
                capsule,
                Map.of(
                    "parent_version",
                    v1,
                    "changes",
                    List.of(
                        Map.of("path", "missing.txt", "type", "added", "size", 3),
                        change("b.txt", "added", c)),
                    "files",
                    List.of(file("b.txt", c))),
                c,
                422,
                "missing.txt"))
        .contains("missing.txt", "no content");
    // A size that differs from the declared one.
    assertThat(
            refusedAndNothingStored(
                api,
                platform,
                owner,
                capsule,
                Map.of(
                    "parent_version",
                    v1,
                    "changes",
                    List.of(Map.of("path", "c.txt", "type", "added", "size", 999)),
                    "files",
                    List.of(file("c.txt", c))),
                c,
                422,
                "c.txt"))
        .contains("c.txt", "declared 999");
    // added of an existing path; modified and deleted of a missing one.
    assertThat(
            refusedAndNothingStored(
                api,
                platform,
                owner,
                capsule,
                body(v1, null, List.of(change("README.md", "added", c))),
                c,
                422,
                "README.md"))
        .contains("README.md", "exists");
    assertThat(
            refusedAndNothingStored(
                api,
                platform,
                owner,
                capsule,
                body(v1, null, List.of(change("nope.md", "modified", c))),
                c,
                422,
                "nope.md"))
        .contains("nope.md", "does not exist");
    assertThat(
            refusedAndNothingStored(
                api,
                platform,
                owner,
                capsule,
                Map.of(
                    "parent_version",
                    v1,
                    "changes",
                    List.of(
                        change("d.txt", "added", c), Map.of("path", "gone.md", "type", "deleted"))),
                c,
                422,
                "gone.md"))
        .contains("gone.md", "does not exist");
    // Content sent for a deleted file.
    assertThat(
            refusedAndNothingStored(
                api,
                platform,
                owner,
                capsule,
                Map.of(
                    "parent_version",
                    v1,
                    "changes",
                    List.of(Map.of("path", "README.md", "type", "deleted")),
                    "files",
                    List.of(file("README.md", c))),
                c,
                422,
                "README.md"))
        .contains("README.md", "deleted");
  }

  @Test
  @SuppressWarnings("unchecked")
  void multipartStreamsALargeFileToStorage(WebTestClient api, LocalPlatform platform) {
    Account owner = Accounts.register(api, "vmultipart");
    String capsule = capsule(platform, owner, "vmultipart");
    String v1 = head(platform, capsule, "main");
    // 12 MiB: above the API's 10 MB body limit for other requests.
    byte[] large = new byte[12 * 1024 * 1024];
    new Random(42).nextBytes(large);
    byte[] small = "print('multipart')\n".getBytes(StandardCharsets.UTF_8);
    Map<String, Object> version =
        Map.of(
            "author",
            "uploader",
            "message",
            "assets",
            "parent_version",
            v1,
            "changes",
            List.of(
                Map.of("path", "assets/model.bin", "type", "added", "size", large.length),
                Map.of("path", "src/app.py", "type", "modified", "size", small.length),
                Map.of("path", "README.md", "type", "deleted")));
    Map<String, Object> created =
        multipart(
            api,
            owner,
            capsule,
            version,
            Map.of("assets/model.bin", large, "src/app.py", small),
            201);
    assertThat(created).containsEntry("version_number", 2).containsEntry("changes_count", 3);
    FileManifest manifest = manifest(platform, (String) created.get("manifest_digest"));
    assertThat(manifest.paths())
        .containsExactly("assets/model.bin", "src/app.py", "src/lib/util.py");
    FileManifest.Entry model = entry(manifest, "assets/model.bin");
    assertThat(model.size()).isEqualTo(large.length);
    assertThat(model.sha256()).isEqualTo(FileManifest.sha256(large));
    assertThat(platform.workerContext().getBean(BlobStore.class).get(model.blobKey()).orElseThrow())
        .isEqualTo(large);
    assertThat(blob(platform, manifest, "src/app.py")).isEqualTo("print('multipart')\n");

    // A part that is not declared: 422 naming it; a missing version part: 400.
    String v2 = (String) created.get("version_id");
    Map<String, Object> undeclared =
        multipart(
            api,
            owner,
            capsule,
            Map.of(
                "parent_version",
                v2,
                "changes",
                List.of(Map.of("path", "a.txt", "type", "added", "size", 1))),
            new LinkedHashMap<>(Map.of("b.txt", "b".getBytes())),
            422);
    assertThat((String) undeclared.get("detail")).contains("b.txt", "not declared");
    Map<String, Object> hostile =
        multipart(
            api,
            owner,
            capsule,
            Map.of(
                "parent_version",
                v2,
                "changes",
                List.of(Map.of("path", "a.txt", "type", "added", "size", 1))),
            new LinkedHashMap<>(Map.of("../a.txt", "a".getBytes())),
            400);
    assertThat(hostile).containsEntry("error_code", "BAD_REQUEST");
    assertThat(versionRows(platform, capsule)).isEqualTo(2);
  }

  @Test
  void viewersReadButCannotWrite(WebTestClient api, LocalPlatform platform) {
    Account operator = Accounts.operator(api);
    Account viewer = Accounts.create(api, operator, "vviewer", "viewer");
    String capsule = capsule(platform, operator, "vviewer-" + System.nanoTime());
    String v1 = head(platform, capsule, "main");
    assertThat(
            create(api, viewer, capsule, body(v1, null, List.of(change("x", "added", "x"))), 403))
        .containsEntry("error_code", "FORBIDDEN");
    Json.call(
        api,
        HttpMethod.POST,
        "/capsule/" + capsule + "/branch",
        viewer.accessToken(),
        Map.of("branch_name", "v"),
        403);
    tag(api, viewer, capsule, v1, "v", 403);
    assertThat(versionRows(platform, capsule)).isEqualTo(1);
    // Reading is allowed (the capsule itself is not the viewer's: 404, not 403).
    Json.call(
        api, HttpMethod.GET, "/capsule/" + capsule + "/history", viewer.accessToken(), null, 404);
    // The admin of the tenant reads and writes it.
    Json.call(
        api, HttpMethod.GET, "/capsule/" + capsule + "/history", operator.accessToken(), null, 200);
  }

  // ---------------------------------------------------------------- helpers

  /** A stored capsule with version 1 on main, as a finished generation leaves it. */
  private static String capsule(LocalPlatform platform, Account owner, String project) {
    String name = Accounts.unique(project);
    StoredCapsules.store(platform, owner, name, FILES);
    FileSet set = new ProjectFiles(platform.workerContext().getBean(BlobStore.class)).save(FILES);
    String id = "cap-" + name;
    CapsuleVersionRows.writeInitial(jdbc(platform), id, set);
    return id;
  }

  /** A declared change whose content {@link #create} sends (unless the request has files). */
  private static Map<String, Object> change(String path, String type, String content) {
    Map<String, Object> change =
        Map.of("path", path, "type", type, "size", content.getBytes(StandardCharsets.UTF_8).length);
    CONTENTS.put(change, content);
    return change;
  }

  private static Map<String, Object> file(String path, String content) {
    return Map.of("path", path, "content", content);
  }

  /**
   * A request of {@code changes} (made by {@link #change}); {@link #create} sends their contents as
   * files unless the request has its own.
   */
  private static Map<String, Object> body(
      String parent, String branch, List<Map<String, Object>> changes) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("author", "tester");
    body.put("message", "a change");
    body.put("parent_version", parent);
    body.put("changes", changes);
    if (branch != null) {
      body.put("metadata", Map.of("branch", branch));
    }
    return body;
  }

  private static Map<String, Object> create(
      WebTestClient api, Account who, String capsule, Map<String, Object> body, int status) {
    Map<String, Object> request = new LinkedHashMap<>(body);
    if (!request.containsKey("files")) {
      List<Map<String, Object>> files = new ArrayList<>();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> changes = (List<Map<String, Object>>) body.get("changes");
      for (Map<String, Object> c : changes) {
        if (!"deleted".equals(c.get("type")) && CONTENTS.containsKey(c)) {
          files.add(file((String) c.get("path"), CONTENTS.get(c)));
        }
      }
      request.put("files", files);
    }
    return Json.call(
        api,
        HttpMethod.POST,
        "/capsule/" + capsule + "/version",
        who.accessToken(),
        request,
        status);
  }

  private static Map<String, Object> tag(
      WebTestClient api, Account who, String capsule, String version, String tag, int status) {
    return api.post()
        .uri(
            b ->
                b.path("/capsule/" + capsule + "/tag")
                    .queryParam("version_id", "{v}")
                    .queryParam("tag", "{t}")
                    .build(version, tag))
        .headers(h -> h.setBearerAuth(who.accessToken()))
        .exchange()
        .expectStatus()
        .isEqualTo(status)
        .expectBody(MAP)
        .returnResult()
        .getResponseBody();
  }

  private static Map<String, Object> multipart(
      WebTestClient api,
      Account who,
      String capsule,
      Map<String, Object> version,
      Map<String, byte[]> files,
      int status) {
    // The body is written here with a fixed boundary: the client's own multipart writer seeds a
    // SecureRandom on its event loop, which BlockHound refuses in the test JVM.
    String boundary = "shipyard-test-boundary-7f3a";
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      out.write(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"version\"\r\n"
                  + "Content-Type: application/json\r\n\r\n"
                  + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(version)
                  + "\r\n")
              .getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        out.write(
            ("--"
                    + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + f.getKey()
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.write(f.getValue());
        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return api.post()
        .uri("/capsule/" + capsule + "/version")
        .headers(h -> h.setBearerAuth(who.accessToken()))
        .contentType(new MediaType("multipart", "form-data", Map.of("boundary", boundary)))
        .bodyValue(out.toByteArray())
        .exchange()
        .expectStatus()
        .isEqualTo(status)
        .expectBody(MAP)
        .returnResult()
        .getResponseBody();
  }

  /**
   * Sends a request that must be refused with {@code status}, its detail naming {@code named}, and
   * checks that nothing was stored: no version row, no new object in the bucket, no blob of {@code
   * content}. Returns the error's detail.
   */
  private static String refusedAndNothingStored(
      WebTestClient api,
      LocalPlatform platform,
      Account owner,
      String capsule,
      Map<String, Object> body,
      String content,
      int status,
      String named) {
    int rows = versionRows(platform, capsule);
    int objects = count(platform, "");
    Map<String, Object> error = create(api, owner, capsule, body, status);
    assertThat(error).containsKeys("detail", "error_code", "timestamp", "request_id");
    assertThat(error.get("error_code"))
        .isEqualTo(status == 400 ? "BAD_REQUEST" : "VALIDATION_ERROR");
    assertThat((String) error.get("detail")).as("the detail names the problem").contains(named);
    assertThat(versionRows(platform, capsule)).isEqualTo(rows);
    assertThat(count(platform, "")).isEqualTo(objects);
    String key =
        BlobStore.contentKey(FileManifest.sha256(content.getBytes(StandardCharsets.UTF_8)));
    assertThat(platform.workerContext().getBean(BlobStore.class).exists(key)).isFalse();
    return (String) error.get("detail");
  }

  private static JdbcTemplate jdbc(LocalPlatform platform) {
    return platform.workerContext().getBean(JdbcTemplate.class);
  }

  private static String head(LocalPlatform platform, String capsule, String branch) {
    return jdbc(platform)
        .queryForObject(
            "SELECT head_version_id FROM capsule_branches WHERE capsule_id = ? AND name = ?",
            String.class,
            capsule,
            branch);
  }

  private static int versionRows(LocalPlatform platform, String capsule) {
    return jdbc(platform)
        .queryForObject(
            "SELECT count(*) FROM capsule_versions WHERE capsule_id = ?", Integer.class, capsule);
  }

  private static String digestOf(LocalPlatform platform, String version) {
    return jdbc(platform)
        .queryForObject(
            "SELECT manifest_sha256 FROM capsule_versions WHERE id = ?", String.class, version);
  }

  private static FileManifest manifest(LocalPlatform platform, String digest) {
    return FileManifest.load(
        platform.workerContext().getBean(BlobStore.class), FileManifest.keyOf(digest));
  }

  private static FileManifest.Entry entry(FileManifest manifest, String path) {
    return manifest.entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
  }

  private static String blob(LocalPlatform platform, FileManifest manifest, String path) {
    return new String(
        platform
            .workerContext()
            .getBean(BlobStore.class)
            .get(entry(manifest, path).blobKey())
            .orElseThrow(),
        StandardCharsets.UTF_8);
  }

  private static int count(LocalPlatform platform, String prefix) {
    S3Client s3 = platform.workerContext().getBean(S3Client.class);
    String bucket = platform.endpoints().bucket();
    return (int)
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().count();
  }
}
