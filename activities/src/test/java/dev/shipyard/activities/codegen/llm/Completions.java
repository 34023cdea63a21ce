package dev.shipyard.activities.codegen.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Test helpers: chat-completion bodies as an OpenAI-compatible server sends them. */
final class Completions {

  static final ObjectMapper JSON = new ObjectMapper();

  private Completions() {}

  /** A 200 body whose first choice says {@code content}. */
  static String answer(String content) {
    return answer(content, "stop");
  }

  static String answer(String content, String finishReason) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-test").put("object", "chat.completion").put("model", "test-model");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0).put("finish_reason", finishReason);
    choice.putObject("message").put("role", "assistant").put("content", content);
    root.putObject("usage").put("prompt_tokens", 12).put("completion_tokens", 34);
    return root.toString();
  }

  /** {@code {"files":[{path, content}, ...]}} from path/content pairs. */
  static String files(String... pathsAndContents) {
    ObjectNode root = JSON.createObjectNode();
    var files = root.putArray("files");
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      files.addObject().put("path", pathsAndContents[i]).put("content", pathsAndContents[i + 1]);
    }
    return root.toString();
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A sleeper that records the delays and returns at once. */
  static final class RecordingSleeper implements Sleeper {
    final List<Duration> delays = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void sleep(Duration duration) {
      delays.add(duration);
    }
  }
}
