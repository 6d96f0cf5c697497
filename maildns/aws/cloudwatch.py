"""Amazon CloudWatch: metric alarms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Unpack

from maildns.aws.base import AwsResource, Meta
from maildns.cdk import Construct


class CloudwatchMetricAlarm(AwsResource):
    """``resource "aws_cloudwatch_metric_alarm"``: an alarm on one metric."""

    TYPE = "aws_cloudwatch_metric_alarm"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        alarm_name: str,
        comparison_operator: str,
        evaluation_periods: int,
        alarm_description: str | None = None,
        namespace: str | None = None,
        metric_name: str | None = None,
        dimensions: Mapping[str, str] | None = None,
        statistic: str | None = None,
        period: int | None = None,
        threshold: float | None = None,
        treat_missing_data: str | None = None,
        actions_enabled: bool | None = None,
        alarm_actions: Sequence[str] | None = None,
        ok_actions: Sequence[str] | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            alarm_name=alarm_name,
            comparison_operator=comparison_operator,
            evaluation_periods=evaluation_periods,
            actions_enabled=actions_enabled,
            alarm_actions=list(alarm_actions) if alarm_actions is not None else None,
            alarm_description=alarm_description,
            dimensions=dict(dimensions) if dimensions is not None else None,
            metric_name=metric_name,
            namespace=namespace,
            ok_actions=list(ok_actions) if ok_actions is not None else None,
            period=period,
            statistic=statistic,
            threshold=threshold,
            treat_missing_data=treat_missing_data,
        )

    @property
    def arn(self) -> str:
        return self.get_string_attribute("arn")
