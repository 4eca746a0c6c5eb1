[=header]
# Device            Offset      Size[#if env.sectorSize()??]        Sector size[/#if]
[=env.device()]  [=env.offset()]  [=env.size()][#if env.sectorSize()??]  [=env.sectorSize()][/#if]
