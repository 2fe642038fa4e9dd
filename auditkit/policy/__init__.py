"""Policy files: schema and loader."""

from auditkit.policy.loader import LoadedPolicy, canonical_text, format_path, load_policy, parse_policy
from auditkit.policy.schema import CheckSpec, DataSpec, ModelSpec, Policy, ProtectedAttribute, Statistics
from auditkit.policy.stored import StoredPolicy
from auditkit.policy.strict_yaml import PolicyLimits

__all__ = [
    "CheckSpec",
    "DataSpec",
    "LoadedPolicy",
    "ModelSpec",
    "Policy",
    "PolicyLimits",
    "ProtectedAttribute",
    "Statistics",
    "StoredPolicy",
    "canonical_text",
    "format_path",
    "load_policy",
    "parse_policy",
]
