<<<<<<<< HEAD:frontend/dist/assets/StatusBadge-3aYGKIvj.js
import{A as e,D as t,G as n,J as r,K as i,P as a,h as o}from"./index-ChF9YIU2.js";var s=e({__name:`StatusBadge`,props:{status:{}},setup(e){let{t:s,te:c}=o();return(o,l)=>(a(),t(`span`,{class:i([`badge`,`st-${e.status}`])},r(n(c)(`status.${e.status}`)?n(s)(`status.${e.status}`):e.status),3))}});export{s as t};
========
import{A as e,D as t,G as n,J as r,K as i,P as a,h as o}from"./index--e4N6PY-.js";var s=e({__name:`StatusBadge`,props:{status:{}},setup(e){let{t:s,te:c}=o();return(o,l)=>(a(),t(`span`,{class:i([`badge`,`st-${e.status}`])},r(n(c)(`status.${e.status}`)?n(s)(`status.${e.status}`):e.status),3))}});export{s as t};
>>>>>>>> trust-auth:frontend/dist/assets/StatusBadge-N4tqxbHb.js
