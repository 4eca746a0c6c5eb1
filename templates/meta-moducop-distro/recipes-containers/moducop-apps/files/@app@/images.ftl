[#list app.compose.images() as img]
[=img.hex()] [=img.name()] [=img.localName()]
[/#list]
