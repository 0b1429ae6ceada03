"""What the notification tasks have sent, so that a task run again after a crash (the worker
requeues what a killed worker left running: core.queue.requeue_orphans) sends nothing twice."""

from __future__ import annotations

from django.db import models


class SentNotification(models.Model):
    task_id = models.CharField(max_length=64, unique=True)
    item_id = models.BigIntegerField(null=True)
    template = models.CharField(max_length=40)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.template} #{self.item_id} ({self.task_id})"
