"""SSH discovery: what the municipal servers themselves say about their hardware and software.

`facts` declares what to ask (a command and a pure parser per fact), `lsg_infra.ssh`
(the transport, shared with preflight) runs one combined script per host over
paramiko, `runner` runs many hosts in a bounded pool and returns one `HostResult`
per host, and `store` writes the facts to generated files beside the inventory and
merges them back into it.
"""
