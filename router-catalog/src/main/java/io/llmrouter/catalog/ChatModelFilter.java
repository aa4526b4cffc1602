package io.llmrouter.catalog;

import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderInfo.CatalogHints;
import java.util.Locale;

/**
 * The catalog's own, defensive chat-model filter, driven by what each provider's dialect declares in
 * {@link CatalogHints}: no per-provider knowledge lives here.
 *
 * <p>Layering: each provider dialect (router-providers) is the primary filter and marks every
 * {@link ModelListing} {@code chat} and, for priced providers, {@code free}. This class runs <em>after</em>
 * it and only ever removes more: a listing is kept when the dialect says chat, it is free where the hints
 * say only free models count, and none of the hints' non-chat words is in its id. That keeps a dialect bug
 * (or a provider adding a new kind of non-chat model the dialect does not know yet) from sending hundreds
 * of pointless probes. Stateless and thread-safe.
 */
public final class ChatModelFilter {

  private ChatModelFilter() {}

  /**
   * Whether to probe this listing: the dialect marked it chat, it is free when {@link CatalogHints#freeOnly()},
   * and no word of {@link CatalogHints#nonChatWords()} matches its id.
   */
  public static boolean accept(CatalogHints hints, ModelListing listing) {
    if (!listing.chat()) return false;
    if (hints.freeOnly() && !Boolean.TRUE.equals(listing.free())) return false;
    return !isExcludedId(hints, listing.id());
  }

  /** True when {@code id} contains one of the hints' non-chat words (case-insensitive). */
  public static boolean isExcludedId(CatalogHints hints, String id) {
    String lower = id.toLowerCase(Locale.ROOT);
    for (String p : hints.nonChatWords()) if (lower.contains(p)) return true;
    return false;
  }
}
