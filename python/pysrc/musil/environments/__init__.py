"""Pre-built adversarial environments, one module per platform: ``k8s``, ``aws``, ``etcd``,
``linux``, ``sel4``, ``storage``, ``distributed``. Each factory returns an ``EnvironmentSpec``
whose behaviours and cited assumptions come from the engine's own environments."""
