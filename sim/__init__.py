"""groupsim: agent-based simulation of WeChat group engagement under operator strategies."""
