package dev.shipyard.api.capsules.exports;

import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes YAML documents of exports with SnakeYAML, never by pasting text: a value (a project
 * description, a path) is quoted or escaped by the emitter as it needs, so no value can add keys,
 * documents or anchors.
 */
final class YamlText {

  private YamlText() {}

  static String dump(Map<String, Object> document) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(0);
    options.setWidth(100);
    options.setSplitLines(false);
    options.setAllowUnicode(false);
    return new Yaml(options).dump(document);
  }

  /** An ordered map of the key/value pairs, as the exports' documents are built (nulls kept). */
  static Map<String, Object> map(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
