"""Provisioning: the LSG's inventory -> an Ansible inventory -> ansible-runner -> results."""
