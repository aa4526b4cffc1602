package io.llmrouter.testkit;

import java.util.EnumMap;
import java.util.Map;

/** The mutable state of one simulated model: its quota windows and counters. Guarded by the simulator's lock. */
final class ModelState {
  final SimModel model;
  final Map<Limit, RateWindow> windows = new EnumMap<>(Limit.class);
  final Map<Limit, Long> limited = new EnumMap<>(Limit.class);
  long received;
  long served;
  long errors;
  boolean down;

  ModelState(SimModel model) {
    this.model = model;
  }

  RateWindow window(Limit limit) {
    return windows.get(limit);
  }
}
