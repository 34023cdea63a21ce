package dev.shipyard.api.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.storage.archive.ArchiveFormat;
import dev.shipyard.workflows.delivery.DeliveryProviders;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a destination against the provider registry ({@link DeliveryProviders}) before anything is
 * stored or started: 400 {@code BAD_REQUEST} for an unknown mode or archive format, 422 {@code
 * VALIDATION_ERROR} for a missing destination, a missing required credential, a credential or
 * option the provider does not know, or an option value of the wrong form. Messages name fields,
 * never credential values.
 */
final class DeliveryConfigs {

  /** The longest credential value accepted (a PEM key fits). */
  static final int MAX_CREDENTIAL_LENGTH = 16 * 1024;

  private static final Set<String> BOOLEAN_OPTIONS = Set.of("path_style", "create_pr", "private");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  private DeliveryConfigs() {}

  /** A destination checked against its provider, its options as strings. */
  record Checked(
      String mode,
      String destination,
      Map<String, String> options,
      Map<String, String> credentials) {

    /** The names of its credentials, sorted. */
    List<String> credentialNames() {
      return new ArrayList<>(new TreeMap<>(credentials).keySet());
    }
  }

  /**
   * Checks one destination. {@code field} names it in errors ({@code delivery_configs[0]}); with
   * {@code credentialsRequired} false (a saved target's credentials are used) the credentials are
   * not looked at.
   */
  static Checked check(
      String field,
      String mode,
      String destination,
      Map<String, String> credentials,
      Map<String, JsonNode> options,
      boolean credentialsRequired) {
    if (mode == null || mode.isBlank()) {
      throw CapsuleErrors.invalid(field + ".mode", "mode is required");
    }
    DeliveryProviders.Provider provider =
        DeliveryProviders.find(mode)
            .orElseThrow(
                () ->
                    CapsuleErrors.badRequest(
                        field + ".mode",
                        "Unknown delivery mode '"
                            + shown(mode)
                            + "'; providers: "
                            + String.join(", ", DeliveryProviders.names())));
    if (destination == null || destination.isBlank()) {
      throw CapsuleErrors.invalid(field + ".destination", "destination is required");
    }
    if (destination.length() > 1024 || CONTROL.matcher(destination).find()) {
      throw CapsuleErrors.invalid(
          field + ".destination", "destination must be at most 1024 printable characters");
    }
    Map<String, String> checkedCredentials = Map.of();
    if (credentialsRequired) {
      checkedCredentials = credentials(field, provider, credentials);
    }
    return new Checked(
        mode, destination.strip(), options(field, provider, options), checkedCredentials);
  }

  private static Map<String, String> credentials(
      String field, DeliveryProviders.Provider provider, Map<String, String> given) {
    Map<String, String> credentials = given == null ? Map.of() : given;
    for (Map.Entry<String, String> e : credentials.entrySet()) {
      if (!provider.accepts(e.getKey())) {
        throw CapsuleErrors.invalid(
            field + ".credentials",
            "Unknown credential '"
                + shown(e.getKey())
                + "' for "
                + provider.name()
                + "; it reads: "
                + String.join(
                    ", ", concat(provider.requiredCredentials(), provider.optionalCredentials())));
      }
      if (e.getValue() == null || e.getValue().isEmpty()) {
        throw CapsuleErrors.invalid(
            field + ".credentials." + e.getKey(), "credential " + e.getKey() + " is empty");
      }
      if (e.getValue().length() > MAX_CREDENTIAL_LENGTH) {
        throw CapsuleErrors.invalid(
            field + ".credentials." + e.getKey(),
            "credential " + e.getKey() + " is longer than " + MAX_CREDENTIAL_LENGTH);
      }
    }
    for (String required : provider.requiredCredentials()) {
      if (!credentials.containsKey(required)) {
        throw CapsuleErrors.invalid(
            field + ".credentials",
            provider.name()
                + " requires the credential '"
                + required
                + "' (required: "
                + String.join(", ", provider.requiredCredentials())
                + ")");
      }
    }
    return Map.copyOf(credentials);
  }

  private static Map<String, String> options(
      String field, DeliveryProviders.Provider provider, Map<String, JsonNode> given) {
    Map<String, String> options = new LinkedHashMap<>();
    if (given == null) {
      return options;
    }
    for (Map.Entry<String, JsonNode> e : given.entrySet()) {
      String name = e.getKey();
      String at = field + ".options." + name;
      if (!provider.options().contains(name)) {
        throw CapsuleErrors.invalid(
            field + ".options",
            "Unknown option '"
                + shown(name)
                + "' for "
                + provider.name()
                + "; options: "
                + String.join(", ", provider.options()));
      }
      JsonNode value = e.getValue();
      if (value == null || value.isNull()) {
        continue;
      }
      if (!value.isValueNode()) {
        throw CapsuleErrors.invalid(at, name + " must be a string, a number or a boolean");
      }
      String text = value.asText();
      if (text.length() > 1024 || CONTROL.matcher(text).find()) {
        throw CapsuleErrors.invalid(at, name + " must be at most 1024 printable characters");
      }
      options.put(name, checkOption(at, name, text));
    }
    return options;
  }

  private static String checkOption(String at, String name, String value) {
    if (name.equals("format")) {
      if (ArchiveFormat.fromExtension(value).isEmpty()) {
        throw CapsuleErrors.badRequest(
            at,
            "Unsupported format '"
                + shown(value)
                + "'; supported: "
                + String.join(", ", ArchiveFormat.names()));
      }
      return value;
    }
    if (BOOLEAN_OPTIONS.contains(name)) {
      String v = value.toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw CapsuleErrors.invalid(at, name + " must be true or false");
      }
      return v;
    }
    if (name.equals("url_expiry_seconds")) {
      long seconds;
      try {
        seconds = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw CapsuleErrors.invalid(at, name + " must be a whole number of seconds");
      }
      if (seconds < 1 || seconds > 604_800) {
        throw CapsuleErrors.invalid(at, name + " must be 1 to 604800 (7 days)");
      }
      return Long.toString(seconds);
    }
    if (name.equals("endpoint")) {
      try {
        URI uri = new URI(value);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
          throw CapsuleErrors.invalid(at, "endpoint must be an http or https URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
          throw CapsuleErrors.invalid(at, "endpoint must not contain user information");
        }
      } catch (URISyntaxException e) {
        throw CapsuleErrors.invalid(at, "endpoint must be an http or https URL with a host");
      }
      return value;
    }
    return value;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** A name or value the caller sent, shortened for a message. */
  private static String shown(String value) {
    String v = CONTROL.matcher(value).replaceAll("?");
    return v.length() > 64 ? v.substring(0, 64) + "..." : v;
  }
}
