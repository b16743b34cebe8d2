from common import *
d = run('control', make_sig())
print(json.dumps(d['signatures'][0]['checks'])[:1500])
