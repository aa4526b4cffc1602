package io.llmrouter.core;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model group ({@code model_name}) and its deployments, split into {@code order} tiers (lowest
 * first). Immutable apart from the unhealthy count. Selection looks only at this group's deployments.
 */
final class ModelGroup {
  final String name;
  final String description;
  final Integer contextWindow;
  final Deployment[] all;
  final Deployment[][] tiers;
  // Per tier, cumulative simple-shuffle weights (null: uniform).
  final double[][] cumulative;
  final AtomicInteger unhealthy = new AtomicInteger();
  /** At least one deployment serves chat ({@code model_info.mode}), decided once. */
  final boolean servesChat;
  /** Requests that asked for this group, and those that left it for a fallback, for {@code Router.status()}. */
  final HourlyCounter requests = new HourlyCounter();
  final HourlyCounter fallbacks = new HourlyCounter();

  ModelGroup(String name, List<Deployment> deployments) {
    this.name = name;
    this.all = deployments.toArray(new Deployment[0]);
    String desc = null;
    Integer ctx = null;
    TreeMap<Integer, List<Deployment>> byTier = new TreeMap<>();
    for (Deployment d : deployments) {
      if (desc == null) desc = d.config.description();
      Integer m = d.config.maxInputTokens();
      if (m != null && (ctx == null || m > ctx)) ctx = m;
      byTier.computeIfAbsent(d.config.tier(), k -> new ArrayList<>()).add(d);
    }
    this.description = desc;
    boolean chat = false;
    for (Deployment d : deployments) chat |= d.config.servesChat();
    this.servesChat = chat;
    this.contextWindow = ctx;
    this.tiers = new Deployment[byTier.size()][];
    this.cumulative = new double[byTier.size()][];
    int i = 0;
    for (List<Deployment> tier : byTier.values()) {
      tiers[i] = tier.toArray(new Deployment[0]);
      cumulative[i] = cumulativeWeights(tiers[i]);
      i++;
    }
  }

  // LiteLLM weighs by weight, else rpm, else tpm. Unlike LiteLLM (which looks only at the first
  // deployment), the key is chosen if any deployment declares it; one without it weighs 0 but stays a
  // last-resort candidate instead of never being chosen.
  private static double[] cumulativeWeights(Deployment[] tier) {
    int key = -1;
    for (Deployment d : tier) if (d.config.weight() != null) key = 0;
    if (key < 0) for (Deployment d : tier) if (d.config.rpm() != null) key = 1;
    if (key < 0) for (Deployment d : tier) if (d.config.tpm() != null) key = 2;
    if (key < 0) return null;
    double[] cum = new double[tier.length];
    double sum = 0;
    for (int i = 0; i < tier.length; i++) {
      Deployment d = tier[i];
      double w = key == 0 ? nz(d.config.weight()) : key == 1 ? nz(d.config.rpm()) : nz(d.config.tpm());
      sum += Math.max(0, w);
      cum[i] = sum;
    }
    return sum > 0 ? cum : null;
  }

  private static double nz(Number n) {
    return n == null ? 0 : n.doubleValue();
  }
}
