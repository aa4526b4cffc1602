package io.llmrouter.core;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans events out to the configured listeners; a listener that throws is logged and ignored. */
final class Listeners implements RouterListener {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
  private final RouterListener[] all;

  Listeners(List<RouterListener> listeners) {
    this.all = listeners.toArray(new RouterListener[0]);
  }

  boolean any() {
    return all.length > 0;
  }

  // Each event is a plain loop over the array: no lambda is captured per event (an event with no listener
  // costs one length check), and a listener that throws is logged and the next one still runs.
  private static void threw(RouterListener l, RuntimeException e) {
    LOG.warn("router listener {} threw {}; ignored", l.getClass().getName(), e.toString());
  }

  @Override
  public void onRequestStart(RequestHandle request) {
    for (RouterListener l : all) {
      try {
        l.onRequestStart(request);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onRequestEnd(RequestHandle request, RequestEnd end) {
    for (RouterListener l : all) {
      try {
        l.onRequestEnd(request, end);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onStreamOpen(RequestHandle request, io.llmrouter.api.Route route, java.time.Duration timeToFirstToken) {
    for (RouterListener l : all) {
      try {
        l.onStreamOpen(request, route, timeToFirstToken);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onAttemptStart(RequestHandle request, String modelGroup, String deploymentId) {
    for (RouterListener l : all) {
      try {
        l.onAttemptStart(request, modelGroup, deploymentId);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onAttemptEnd(RequestHandle request, Attempt attempt) {
    for (RouterListener l : all) {
      try {
        l.onAttemptEnd(request, attempt);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onRetry(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {
    for (RouterListener l : all) {
      try {
        l.onRetry(request, modelGroup, attemptNumber, delayMillis, cause);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {
    for (RouterListener l : all) {
      try {
        l.onFallback(request, fromGroup, toGroup, kind, cause);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId, NoDeploymentAvailableException.Kind why,
      Instant until) {
    for (RouterListener l : all) {
      try {
        l.onAdmissionSkip(request, modelGroup, deploymentId, why, until);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onCooldownStart(String deploymentId, Instant until, String reason) {
    for (RouterListener l : all) {
      try {
        l.onCooldownStart(deploymentId, until, reason);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onCooldownEnd(String deploymentId) {
    for (RouterListener l : all) {
      try {
        l.onCooldownEnd(deploymentId);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }

  @Override
  public void onHealthChange(String deploymentId, boolean healthy, String error) {
    for (RouterListener l : all) {
      try {
        l.onHealthChange(deploymentId, healthy, error);
      } catch (RuntimeException e) {
        threw(l, e);
      }
    }
  }
}
