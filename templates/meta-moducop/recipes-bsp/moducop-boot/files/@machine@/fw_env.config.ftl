[=header]
# Device            Offset      Size[#if machine.env.sectorSize??]        Sector size[/#if]
[=machine.env.device]  [=machine.env.offset]  [=machine.env.size][#if machine.env.sectorSize??]  [=machine.env.sectorSize][/#if]
