/// The docker-py keyword arguments that `create_options` and `host_config` (and the create options of volumes and
/// networks) accept, each with the Engine API field it becomes and how its value is converted.
enum EngineOptionTables {
    /// How a keyword's value turns into JSON.
    enum Kind: Sendable {
        case string, bool, int, bytes, stringList, stringMap, plain
        case command, environment, labels, exposedPorts, volumes, healthcheck, user
        case binds, links, volumesFrom, portBindings, restartPolicy, extraHosts, logConfig, devices, ulimits, tmpfs
        case deviceRequests, ipam
        /// `stdin_open`: `OpenStdin`, and (unless `detach`) `AttachStdin` and `StdinOnce`, as docker-py sends them.
        case stdinOpen
        /// `host_config` inside `create_options`: a table of host options.
        case hostOptions
        /// Accepted and left out (`detach` only shapes `stdin_open`; `use_config_proxy` has no proxy to use).
        case ignored
        /// Not an option here, for the reason given.
        case notAllowed(String)
    }

    struct Spec: Sendable {
        let json: String
        let kind: Kind
        /// Whether the field belongs in `HostConfig`.
        let host: Bool
    }

    private static func table(_ rows: [(String, String, Kind)], host: Bool) -> [String: Spec] {
        Dictionary(uniqueKeysWithValues: rows.map { ($0.0, Spec(json: $0.1, kind: $0.2, host: host)) })
    }

    /// docker-py's `create_container` keywords (plus `runtime`, which belongs in `HostConfig`).
    static let create: [String: Spec] = table([
        ("command", "Cmd", .command), ("entrypoint", "Entrypoint", .command), ("environment", "Env", .environment),
        ("working_dir", "WorkingDir", .string), ("labels", "Labels", .labels), ("hostname", "Hostname", .string),
        ("domainname", "Domainname", .string), ("user", "User", .user), ("ports", "ExposedPorts", .exposedPorts),
        ("volumes", "Volumes", .volumes), ("tty", "Tty", .bool), ("stdin_open", "OpenStdin", .stdinOpen),
        ("stop_signal", "StopSignal", .string), ("stop_timeout", "StopTimeout", .int),
        ("healthcheck", "Healthcheck", .healthcheck), ("network_disabled", "NetworkDisabled", .bool),
        ("mac_address", "MacAddress", .string), ("networking_config", "NetworkingConfig", .plain),
        ("host_config", "HostConfig", .hostOptions), ("detach", "", .ignored), ("use_config_proxy", "", .ignored),
        ("name", "", .notAllowed("the container's name is the map's (map.config.instance)")),
        ("image", "", .notAllowed("set the configuration's 'image'")),
    ], host: false).merging(table([("runtime", "Runtime", .string)], host: true)) { a, _ in a }

    /// docker-py's `create_host_config` keywords.
    static let host: [String: Spec] = table([
        ("binds", "Binds", .binds), ("links", "Links", .links), ("volumes_from", "VolumesFrom", .volumesFrom),
        ("port_bindings", "PortBindings", .portBindings), ("network_mode", "NetworkMode", .string),
        ("restart_policy", "RestartPolicy", .restartPolicy),
        ("mem_limit", "Memory", .bytes), ("memswap_limit", "MemorySwap", .bytes),
        ("mem_reservation", "MemoryReservation", .bytes), ("kernel_memory", "KernelMemory", .bytes),
        ("shm_size", "ShmSize", .bytes), ("mem_swappiness", "MemorySwappiness", .int),
        ("cpu_shares", "CpuShares", .int), ("cpu_period", "CpuPeriod", .int), ("cpu_quota", "CpuQuota", .int),
        ("nano_cpus", "NanoCpus", .int), ("cpu_count", "CpuCount", .int), ("cpu_percent", "CpuPercent", .int),
        ("cpu_rt_period", "CPURealtimePeriod", .int), ("cpu_rt_runtime", "CPURealtimeRuntime", .int),
        ("cpuset_cpus", "CpusetCpus", .string), ("cpuset_mems", "CpusetMems", .string),
        ("blkio_weight", "BlkioWeight", .int), ("blkio_weight_device", "BlkioWeightDevice", .plain),
        ("device_read_bps", "BlkioDeviceReadBps", .plain), ("device_write_bps", "BlkioDeviceWriteBps", .plain),
        ("device_read_iops", "BlkioDeviceReadIOps", .plain), ("device_write_iops", "BlkioDeviceWriteIOps", .plain),
        ("pids_limit", "PidsLimit", .int), ("oom_kill_disable", "OomKillDisable", .bool),
        ("oom_score_adj", "OomScoreAdj", .int), ("privileged", "Privileged", .bool),
        ("read_only", "ReadonlyRootfs", .bool), ("init", "Init", .bool), ("auto_remove", "AutoRemove", .bool),
        ("publish_all_ports", "PublishAllPorts", .bool),
        ("cap_add", "CapAdd", .stringList), ("cap_drop", "CapDrop", .stringList), ("dns", "Dns", .stringList),
        ("dns_search", "DnsSearch", .stringList), ("dns_opt", "DnsOptions", .stringList),
        ("security_opt", "SecurityOpt", .stringList), ("group_add", "GroupAdd", .stringList),
        ("device_cgroup_rules", "DeviceCgroupRules", .stringList),
        ("extra_hosts", "ExtraHosts", .extraHosts), ("log_config", "LogConfig", .logConfig),
        ("devices", "Devices", .devices), ("device_requests", "DeviceRequests", .deviceRequests),
        ("ulimits", "Ulimits", .ulimits), ("sysctls", "Sysctls", .stringMap), ("tmpfs", "Tmpfs", .tmpfs),
        ("storage_opt", "StorageOpt", .stringMap), ("mounts", "Mounts", .plain),
        ("pid_mode", "PidMode", .string), ("ipc_mode", "IpcMode", .string), ("userns_mode", "UsernsMode", .string),
        ("uts_mode", "UTSMode", .string), ("cgroup_parent", "CgroupParent", .string),
        ("cgroupns", "CgroupnsMode", .string), ("isolation", "Isolation", .string),
        ("volume_driver", "VolumeDriver", .string), ("runtime", "Runtime", .string),
    ], host: true)

    /// What `create_options` accepts: the create keywords, and host keywords (Docker-Map's own example maps put
    /// `mem_limit` there, which older docker-py took at create); those go into `HostConfig`.
    static let createWithHost: [String: Spec] = create.merging(host) { a, _ in a }

    /// The `HostConfig` fields, for Engine-API names written in `create_options`.
    static let hostFields: Set<String> = Set(host.values.map(\.json))

    /// docker-py's `create_volume` keywords.
    static let volume: [String: Spec] = table([
        ("driver", "Driver", .string), ("driver_opts", "DriverOpts", .stringMap), ("labels", "Labels", .labels),
        ("name", "", .notAllowed("the volume's name is the map's")),
    ], host: false)

    /// docker-py's `create_network` keywords.
    static let network: [String: Spec] = table([
        ("driver", "Driver", .string), ("options", "Options", .stringMap), ("ipam", "IPAM", .ipam),
        ("check_duplicate", "CheckDuplicate", .bool), ("internal", "Internal", .bool), ("labels", "Labels", .labels),
        ("enable_ipv6", "EnableIPv6", .bool), ("attachable", "Attachable", .bool), ("scope", "Scope", .string),
        ("ingress", "Ingress", .bool), ("name", "", .notAllowed("the network's name is the map's")),
    ], host: false)
}
