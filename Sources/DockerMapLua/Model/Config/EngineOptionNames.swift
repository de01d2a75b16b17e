/// The option names that go into `create_options` and `host_config` (docker-py's `create_container` and
/// `create_host_config` keywords, which Docker-Map passes on), for suggestions when one is written as a property.
enum EngineOptionNames {
    static let create: Set<String> = [
        "command", "entrypoint", "environment", "working_dir", "labels", "hostname", "domainname", "ports", "volumes",
        "tty", "stdin_open", "detach", "mac_address", "stop_signal", "healthcheck", "network_disabled", "name",
        "user", "runtime", "use_config_proxy",
    ]
    static let host: Set<String> = [
        "restart_policy", "mem_limit", "memswap_limit", "mem_reservation", "cpu_shares", "cpu_period", "cpu_quota",
        "cpuset_cpus", "nano_cpus", "privileged", "cap_add", "cap_drop", "extra_hosts", "log_config", "dns",
        "dns_search", "devices", "ulimits", "security_opt", "sysctls", "tmpfs", "shm_size", "pid_mode", "ipc_mode",
        "oom_kill_disable", "read_only", "init", "auto_remove", "publish_all_ports", "binds", "volumes_from",
        "port_bindings", "group_add", "pids_limit", "blkio_weight", "storage_opt", "userns_mode", "uts_mode",
    ]
}
