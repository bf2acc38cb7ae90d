"""Services of lead scoring: settings, the serving champion, scores, retraining and its queue, status."""
