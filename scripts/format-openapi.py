#!/usr/bin/env python3
# Rewrites docs/openapi.json (or the file named) in its house layout: two-space indents, a value on
# one line where it fits in 100 columns. Edit the document as JSON, then run this.
import json,sys
def fmt(v, ind=0, key_prefix_len=0):
    compact = json.dumps(v, ensure_ascii=False, separators=(', ', ': '))
    if 2*ind + key_prefix_len + len(compact) + 1 <= 100 or not isinstance(v,(dict,list)) or not v:
        return compact
    pad = '  '*(ind+1)
    if isinstance(v, dict):
        items=[]
        for k,x in v.items():
            kp=json.dumps(k,ensure_ascii=False)+': '
            items.append(pad+kp+fmt(x, ind+1, len(kp)))
        return '{\n'+',\n'.join(items)+'\n'+'  '*ind+'}'
    items=[pad+fmt(x, ind+1) for x in v]
    return '[\n'+',\n'.join(items)+'\n'+'  '*ind+']'
p=sys.argv[1] if len(sys.argv) > 1 else "docs/openapi.json"
d=json.load(open(p))
open(sys.argv[2] if len(sys.argv) > 2 else p, 'w').write(fmt(d)+'\n')
