package io.llmrouter.core.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.ConfigException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The catalog's own check of a candidate config: it parses as YAML with the layout the editor relies on,
 * every {@code model_list} item has {@code model_name} and {@code litellm_params.model}, and every model
 * named by a fallback chain (source or target, in every fallback section) is a {@code model_name} of the
 * list. Stateless and thread-safe.
 */
public final class StructuralConfigValidator implements ConfigTextValidator {

  /** @throws ConfigException with the key path of the first problem */
  @Override
  public void accept(String text) {
    ConfigDocument doc = ConfigDocument.parse(text);
    Set<String> names = new HashSet<>();
    doc.deployments().forEach(d -> names.add(d.modelName()));
    JsonNode settings = doc.tree().path("router_settings");
    for (String section : ConfigDocument.FALLBACK_SECTIONS) {
      JsonNode list = settings.path(section);
      if (list.isMissingNode() || list.isNull()) continue;
      if (!list.isArray()) throw new ConfigException("router_settings." + section, "expected a list of {model: [fallbacks]}");
      for (int i = 0; i < list.size(); i++) {
        String path = "router_settings." + section + "[" + i + "]";
        JsonNode entry = list.get(i);
        if (!entry.isObject()) throw new ConfigException(path, "expected a map {model: [fallbacks]}");
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!names.contains(e.getKey())) throw new ConfigException(path, "unknown model group '" + e.getKey() + "'");
          if (!e.getValue().isArray() || e.getValue().isEmpty()) throw new ConfigException(path, "expected a non-empty list of fallbacks");
          for (JsonNode t : e.getValue()) {
            if (!names.contains(t.asText())) throw new ConfigException(path, "unknown fallback model group '" + t.asText() + "'");
          }
        }
      }
    }
  }
}
