  U-Boot environment: [=x.env.device] at [=x.env.offset], [=x.env.size] bytes
